'use strict';
// A NestJS app (Express platform) with no OpenTelemetry code: burnrate comes in through
// `node --import @burnrate/register nestjs-app.js`. Plain JavaScript: the decorators
// are applied by hand, as TypeScript would compile them.
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, HttpException, Module, Param } = require('@nestjs/common');

class ItemsController {
  item(id) {
    if (id === '7' || id === '13') throw new HttpException({ error: 'unavailable' }, 503);
    return { id };
  }
  health() {
    return 'ok';
  }
}
const decorate = (name, ...decorators) => {
  const descriptor = Object.getOwnPropertyDescriptor(ItemsController.prototype, name);
  for (const d of decorators) d(ItemsController.prototype, name, descriptor);
};
Param('id')(ItemsController.prototype, 'item', 0);
decorate('item', Get('items/:id'));
decorate('health', Get('health'));
Controller('api')(ItemsController);

class AppModule {}
Module({ controllers: [ItemsController] })(AppModule);

NestFactory.create(AppModule, { logger: false }).then(async app => {
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write(`listening on ${process.env.PORT}\n`);
});
