#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CliLogger } from './cli-logger.js';
import { runCli } from './program.js';

Logger.overrideLogger(new CliLogger());
process.exitCode = await runCli(process.argv.slice(2));
