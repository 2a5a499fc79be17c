/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as model_clients from "../model/clients.js";
import type * as model_counter from "../model/counter.js";
import type * as model_fields from "../model/fields.js";
import type * as model_identity from "../model/identity.js";
import type * as model_records from "../model/records.js";
import type * as model_results from "../model/results.js";
import type * as model_settle from "../model/settle.js";
import type * as pull from "../pull.js";
import type * as push from "../push.js";
import type * as web from "../web.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  "model/clients": typeof model_clients;
  "model/counter": typeof model_counter;
  "model/fields": typeof model_fields;
  "model/identity": typeof model_identity;
  "model/records": typeof model_records;
  "model/results": typeof model_results;
  "model/settle": typeof model_settle;
  pull: typeof pull;
  push: typeof push;
  web: typeof web;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
