import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EncryptedRedisModule } from '../lib/index.js';
import { EncryptedRedisExceptionFilter } from './common/encrypted-redis-exception.filter.js';
import { JsonOnlyMiddleware } from './common/json-only.middleware.js';
import { MalformedJsonFilter } from './common/malformed-json.filter.js';
import { createValidationPipe } from './common/validation-pipe.factory.js';
import { encryptedRedisOptions } from './config/encrypted-redis-options.factory.js';
import { PatientsModule } from './patients/patients.module.js';

@Module({
  imports: [
    ConfigModule.forRoot(),
    EncryptedRedisModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: encryptedRedisOptions,
    }),
    PatientsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: MalformedJsonFilter },
    { provide: APP_FILTER, useClass: EncryptedRedisExceptionFilter },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonOnlyMiddleware).forRoutes('*');
  }
}
