/**
 * Points in time as people type them, read in the local time zone (TZ
 * honoured): `today`, `tomorrow`, `+3d`, `+2w`, a weekday (`friday`, `fri`:
 * the next one after today), an ISO date (`2026-12-24`: its local midnight)
 * or date and time (`2026-12-24T17:00`, `2026-12-24 17:00`, with seconds, or
 * with `Z`/an offset). A day without a time is its start (00:00 local), as
 * Taskwarrior reads it. Pure: no database, no clock of its own.
 */

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Local midnight `days` after the local day of `now`. */
function dayStart(now: number, days: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

function localDateTime(m: RegExpMatchArray): number | null {
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((v) => v ?? undefined) as string[];
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const date = new Date(...parts);
  // Refuse what Date would roll over (2026-02-30, 25:00).
  const back = [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  const sameDay = back.slice(0, 3).every((v, i) => v === parts[i]);
  // A local time skipped by a DST change moves the hour; the day stays.
  return sameDay && parts[3] < 24 && parts[4] < 60 && parts[5] < 60 ? date.getTime() : null;
}

/** Epoch ms of `text` read at `now` in the local time zone, or null when it is not a point in time convoy reads. */
export function parseWhen(text: string, now: number): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'today') return dayStart(now, 0);
  if (t === 'tomorrow') return dayStart(now, 1);
  const relative = /^\+(\d{1,4})([dw])$/.exec(t);
  if (relative) return dayStart(now, Number(relative[1]) * (relative[2] === 'w' ? 7 : 1));
  const weekday = WEEKDAYS.findIndex((day) => t.length >= 3 && day.startsWith(t));
  if (weekday >= 0) {
    const ahead = (weekday - new Date(now).getDay() + 7) % 7 || 7;
    return dayStart(now, ahead);
  }
  const local = DATE_TIME.exec(t);
  if (local) return localDateTime(local);
  if (ZONED.test(text.trim())) {
    const ms = Date.parse(text.trim());
    return Number.isFinite(ms) && ms >= 0 ? ms : null;
  }
  return null;
}

/** What `parseWhen` reads, for messages. */
export const WHEN_FORMATS = 'today, tomorrow, +3d, +2w, a weekday (friday), 2026-12-24 or 2026-12-24T17:00';
