import type * as grpc from '@grpc/grpc-js';

/** Runs a callback-style unary call as a promise: `unary<Res>((cb) => client.Foo(req, md, opts, cb))`. */
export function unary<Res>(start: (cb: grpc.requestCallback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    start((err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
