// workerd provides node:async_hooks under nodejs_compat; the Worker's types leave Node's out, so
// this is the one class the Worker uses from it (src/auth/mail.ts).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
