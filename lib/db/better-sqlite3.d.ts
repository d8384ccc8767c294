// The few better-sqlite3 calls the data layer makes directly (no @types package is installed).
declare module "better-sqlite3" {
  interface Statement {
    all(...params: unknown[]): unknown[];
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): { changes: number };
  }
  class Database {
    constructor(file: string, options?: { readonly?: boolean; timeout?: number });
    pragma(source: string): unknown;
    exec(source: string): this;
    prepare(source: string): Statement;
    close(): void;
  }
  export default Database;
}
