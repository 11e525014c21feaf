/**
 * Where a `/retrain run` reports: its (ephemeral) reply while Discord lets the bot edit it, then a
 * channel message. An interaction token lives 15 minutes and a run on ml-32m takes ~38, so without
 * the hand-over the admin would never see the outcome. Shortly before the token dies (or as soon as
 * an edit is refused for an expired token), the reply says where progress continues, and progress
 * and the summary go to a message in RETRAIN_CHANNEL_ID, or else the channel the admin ran it in,
 * mentioning the admin.
 */
import {
  ChannelType,
  DiscordAPIError,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
  type Message,
} from 'discord.js';
import type { BotContext } from './context.ts';
import { handoverText } from './retrain-messages.ts';

/** Discord's interaction token life. */
export const INTERACTION_TOKEN_LIFE_MS = 15 * 60_000;

/** Stop editing the reply this long before the token dies, so the hand-over note still gets through. */
function safetyMarginMs(lifeMs: number): number {
  return Math.min(60_000, lifeMs / 10);
}

const EXPIRED_TOKEN_CODES: ReadonlySet<unknown> = new Set([
  RESTJSONErrorCodes.InvalidWebhookToken,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.UnknownInteraction,
]);

export class RetrainReport {
  private readonly editableUntil: number;
  private channelMessage: Message | undefined;
  private handedOver = false;
  private readonly handoverTimer: NodeJS.Timeout;
  /** Reports go out one at a time and in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly context: BotContext,
  ) {
    const life = context.config.discord.interactionTokenLifeMs ?? INTERACTION_TOKEN_LIFE_MS;
    this.editableUntil = interaction.createdTimestamp + life - safetyMarginMs(life);
    // On time, whether or not progress comes then: the note must reach the reply while it can.
    this.handoverTimer = setTimeout(
      () => void this.enqueue(() => this.handOver()),
      Math.max(0, this.editableUntil - Date.now()),
    ).unref();
  }

  /** Shows `text` where the admin can see it now; never throws (progress must not fail a run). */
  update(text: string): Promise<void> {
    return this.enqueue(() => this.send(text, false));
  }

  /** The final summary: the reply if it can still be edited, else the channel message. */
  finish(text: string): Promise<void> {
    clearTimeout(this.handoverTimer);
    return this.enqueue(() => this.send(text, true));
  }

  /** For a run that never started: nothing more will be reported. */
  dispose(): void {
    clearTimeout(this.handoverTimer);
  }

  private enqueue(report: () => Promise<void>): Promise<void> {
    const next = this.queue.then(report);
    this.queue = next.catch(() => {});
    return next.catch((error: unknown) =>
      this.context.logger.warn({ err: error }, 'could not report retrain progress'),
    );
  }

  /** The last edit the token allows: says where the rest goes. */
  private async handOver(): Promise<void> {
    if (this.handedOver) return;
    this.handedOver = true;
    await this.interaction.editReply(handoverText(this.channelId)).catch(() => {});
  }

  private get channelId(): string {
    return this.context.config.retrain.channelId ?? this.interaction.channelId;
  }

  private async send(text: string, final: boolean): Promise<void> {
    if (!this.handedOver && Date.now() < this.editableUntil) {
      try {
        await this.interaction.editReply(text);
        return;
      } catch (error) {
        if (!(error instanceof DiscordAPIError && EXPIRED_TOKEN_CODES.has(error.code))) throw error;
        this.handedOver = true; // The token died early (clock skew): straight to the channel.
      }
    }
    await this.toChannel(text, final);
  }

  private async toChannel(text: string, final: boolean): Promise<void> {
    const { interaction, channelId } = this;
    await this.handOver();
    const content = `<@${interaction.user.id}> ${text}`.slice(0, 2000);
    // Only the admin who ran it is pinged, and only by the summary; progress edits ping nobody.
    const allowedMentions = { parse: [], users: final ? [interaction.user.id] : [] };
    if (this.channelMessage && !final) {
      await this.channelMessage.edit({ content, allowedMentions });
      return;
    }
    const channel = await interaction.client.channels.fetch(channelId);
    if (channel?.type !== ChannelType.GuildText) throw new Error('the retrain channel is not a text channel');
    // The summary replaces the progress message (one message per run in the channel).
    if (final && this.channelMessage) await this.channelMessage.delete().catch(() => {});
    this.channelMessage = await channel.send({ content, allowedMentions });
  }
}
