/** IANA time zones as the runtime knows them (Intl), for /settings timezone and movie-night times. */

const ZONES: readonly string[] = [...Intl.supportedValuesOf('timeZone'), 'UTC'];

/** The zone's canonical name, or null if Intl does not know it ("europe/berlin" → "Europe/Berlin"). */
export function canonicalTimeZone(typed: string): string | null {
  const wanted = typed.trim();
  if (wanted === '' || wanted.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: wanted }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Up to 25 zone names containing what was typed (autocomplete), those starting with it first. */
export function suggestTimeZones(typed: string, limit = 25): string[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  if (needle === '') return ZONES.slice(0, limit);
  const starts = ZONES.filter((zone) => zone.toLowerCase().startsWith(needle));
  const contains = ZONES.filter(
    (zone) => !zone.toLowerCase().startsWith(needle) && zone.toLowerCase().includes(needle),
  );
  return [...starts, ...contains].slice(0, limit);
}

/** Minutes to add to UTC to get the zone's wall clock at `at`. */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant the wall clock in `timeZone` shows year-month-day hour:minute. Around a DST change a
 * skipped time moves forward by the gap; a repeated time takes its first occurrence.
 */
export function zonedTimeToUtc(
  timeZone: string,
  wall: { year: number; month: number; day: number; hour: number; minute: number },
): Date {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Two passes settle the offset even when the guess lands on the other side of a change.
  let guess = naive - zoneOffsetMinutes(timeZone, new Date(naive)) * 60_000;
  guess = naive - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  return new Date(guess);
}

/** Discord's timestamp markup: every reader sees it in their own zone (`F`: full date and time). */
export function discordTimestamp(at: Date, style: 'F' | 'R' | 'f' | 't' = 'F'): string {
  return `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;
}
