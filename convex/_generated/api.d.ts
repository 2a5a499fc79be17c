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
import type * as migrations from "../migrations.js";
import type * as model_fields from "../model/fields.js";
import type * as model_functions from "../model/functions.js";
import type * as model_identity from "../model/identity.js";
import type * as model_results from "../model/results.js";
import type * as model_schema from "../model/schema.js";
import type * as model_sharing from "../model/sharing.js";
import type * as model_store from "../model/store.js";
import type * as model_workspaces from "../model/workspaces.js";
import type * as pull from "../pull.js";
import type * as push from "../push.js";
import type * as web from "../web.js";
import type * as workspaces from "../workspaces.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  migrations: typeof migrations;
  "model/fields": typeof model_fields;
  "model/functions": typeof model_functions;
  "model/identity": typeof model_identity;
  "model/results": typeof model_results;
  "model/schema": typeof model_schema;
  "model/sharing": typeof model_sharing;
  "model/store": typeof model_store;
  "model/workspaces": typeof model_workspaces;
  pull: typeof pull;
  push: typeof push;
  web: typeof web;
  workspaces: typeof workspaces;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
