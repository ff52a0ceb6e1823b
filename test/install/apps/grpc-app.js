'use strict';
// A gRPC server (@grpc/grpc-js) with no OpenTelemetry code: burnrate comes in through
// `node --import @burnrate/register grpc-app.js`. shop.Items/Get answers UNAVAILABLE
// for ids 7 and 13, NOT_FOUND (the caller's error) for id 404, and the id otherwise.
const grpc = require('@grpc/grpc-js');

const raw = { serialize: b => b, deserialize: b => b };
const method = name => ({
  path: `/shop.Items/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: raw.serialize,
  requestDeserialize: raw.deserialize,
  responseSerialize: raw.serialize,
  responseDeserialize: raw.deserialize,
});
const server = new grpc.Server();
server.addService(
  { Get: method('Get'), Health: method('Health') },
  {
    Get(call, callback) {
      const id = call.request.toString();
      if (id === '7' || id === '13') callback({ code: grpc.status.UNAVAILABLE, details: 'down' });
      else if (id === '404') callback({ code: grpc.status.NOT_FOUND, details: 'no such item' });
      else callback(null, Buffer.from(id));
    },
    Health(_call, callback) {
      callback(null, Buffer.from('ok'));
    },
  }
);
server.bindAsync(
  `127.0.0.1:${process.env.PORT}`,
  grpc.ServerCredentials.createInsecure(),
  (error, port) => {
    if (error) throw error;
    process.stdout.write(`listening on ${port}\n`);
  }
);
