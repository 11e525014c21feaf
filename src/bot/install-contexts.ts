/**
 * Where a command can be used. Personal commands (/rate, /ratings, /import, /foryou, /forget-me, and /watchlist
 * and /settings for their member's own parts) also work for a member who installed the app to their own
 * account (user install), in servers, in DMs with the bot and in group DMs; group commands (/movienight, and
 * /retrain) need a server that installed the bot. A personal command's per-server parts check that themselves
 * (preconditions.ts installedServer): Discord's contexts apply to a whole command, not to a subcommand.
 * Use as `.setIntegrationTypes(...PERSONAL.integrationTypes).setContexts(...PERSONAL.contexts)`.
 */
import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';

export const PERSONAL = {
  integrationTypes: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [
    InteractionContextType.Guild,
    InteractionContextType.BotDM,
    InteractionContextType.PrivateChannel,
  ],
} as const;

export const SERVER_ONLY = {
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
} as const;
