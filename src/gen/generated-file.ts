/** One generated file: its path from the repository root and its whole text. */
export interface GeneratedFile {
  path: string;
  content: string;
}
