import type { Keyv } from 'keyv';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { PosterService } from '../posters/index.ts';
import type { ServingModels } from '../serve/serving-models.ts';
import type { RetrainService } from '../retrain/service.ts';

/** What every command and handler can use; built once at start-up in src/main.ts. */
export interface BotContext {
  config: Config;
  logger: Logger;
  models: ServingModels;
  posters: PosterService;
  /** Shared bot state (locks, last retrain run); SQLite by default, Redis across shards. */
  store: Keyv;
  retrain: RetrainService;
}
