/**
 * A per-member cooldown on the heavy commands (/recommend, /foryou, /movienight): one member cannot keep the
 * engine and the poster lookups busy by repeating a command. Kept in memory, per bot process: a member's
 * commands in one server all reach the shard that owns it (and DMs reach shard 0), so a per-process record
 * stops the repeats that matter, without a store round trip on every command. After a restart it starts
 * empty, which only ever lets someone in early.
 */
import { DEFAULT_COOLDOWN_SECONDS } from '../config.ts';
import type { Precondition } from './command.ts';
import type { BotContext } from './context.ts';

export class Cooldowns {
  /** `<command>:<user id>` → when the member may run it again (ms since the epoch). */
  private readonly until = new Map<string, number>();

  constructor(private readonly seconds: number) {}

  /** Seconds left to wait (rounded up), or 0 after starting a new cooldown. */
  take(command: string, userId: string, now = Date.now()): number {
    if (this.seconds <= 0) return 0;
    const key = `${command}:${userId}`;
    const until = this.until.get(key);
    if (until !== undefined && until > now) return Math.ceil((until - now) / 1000);
    this.until.set(key, now + this.seconds * 1000);
    // Forget the expired ones now and then, so the map holds only members active in the last window.
    if (this.until.size > 1000) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    return 0;
  }

  /** Gives the run back: the command refused the input, so the member should be able to fix it at once. */
  release(command: string, userId: string): void {
    this.until.delete(`${command}:${userId}`);
  }
}

const byContext = new WeakMap<BotContext, Cooldowns>();

export function cooldownsOf(context: BotContext): Cooldowns {
  let cooldowns = byContext.get(context);
  if (!cooldowns) {
    cooldowns = new Cooldowns(context.config.commandCooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS);
    byContext.set(context, cooldowns);
  }
  return cooldowns;
}

/** The precondition the heavy commands declare; the router gives the run back when the input was refused. */
export const heavyCommandCooldown: Precondition = (interaction, context) => {
  const wait = cooldownsOf(context).take(interaction.commandName, interaction.user.id);
  return wait > 0 ? `You ran /${interaction.commandName} a moment ago; try again in ${wait} s.` : null;
};
