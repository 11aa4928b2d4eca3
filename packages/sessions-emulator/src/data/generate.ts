// The initial data set: actors, then the sessions of the 30 days before `now`, all drawn from one seed.
import { DEPARTMENTS, EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES, RISK_INDICATORS, RULES, WATCHLISTS } from './catalog.js';
import { HOUR_MS, MINUTE_MS, WINDOW_MS, drawDurationMs, firstNameOf, pickActorIndex } from './draw.js';
import { randomUuid } from './ids.js';
import { createRandom, type Random } from './random.js';
import { buildSessionRecord } from './session.js';
import type { Actor, Dataset, SessionRecord } from '../model.js';

// How many watchlists an actor is on: [count, weight].
const WATCHLIST_COUNTS: ReadonlyArray<readonly [number, number]> = [
  [0, 55],
  [1, 33],
  [2, 12],
];

/** Options of {@link generateDataset}. */
export interface GenerateOptions {
  seed: number;
  /** Number of sessions. */
  sessions: number;
  /** Epoch milliseconds: every timestamp lies in the 30 days before it. */
  now: number;
  /** @default a UUID derived from the seed */
  tenantId?: string;
}

function digits9(value: number): string {
  return String(value % 1_000_000_000).padStart(9, '0');
}

function generateActors(rng: Random, count: number): Actor[] {
  const actors: Actor[] = [];
  const emails = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const local = rng.pick(FIRST_NAMES).toLowerCase() + '.' + rng.pick(LAST_NAMES).toLowerCase();
    const seen = emails.get(local) ?? 0;
    emails.set(local, seen + 1);
    const watchlistIds: string[] = [];
    const lists = rng.weighted(WATCHLIST_COUNTS);
    for (let j = 0; j < lists; j++) {
      const id = rng.pick(WATCHLISTS).id;
      if (!watchlistIds.includes(id)) watchlistIds.push(id);
    }
    // Multiplying the index by a number coprime to 10^9 keeps ids unique without a lookup.
    actors.push({
      actorId: '1' + String(rng.int(100_000_000, 999_999_999)) + digits9(i * 387_420_489 + 123_456_789),
      actorName: (seen === 0 ? local : local + String(seen + 1)) + '@' + EMAIL_DOMAIN,
      userId: '1' + String(rng.int(100_000_000, 999_999_999)) + digits9(i * 282_475_249 + 987_654_321),
      department: rng.pick(DEPARTMENTS),
      watchlistIds,
    });
  }
  return actors;
}

/** Generates the whole world: same (seed, sessions, now) gives a deep-equal dataset. */
export function generateDataset(options: GenerateOptions): Dataset {
  const root = createRandom(options.seed);
  const now = Math.floor(options.now);
  const tenantId = options.tenantId ?? randomUuid(root.fork('tenant'));
  const actorCount = Math.min(20_000, Math.max(5, Math.round(options.sessions / 8)));
  const actors = generateActors(root.fork('actors'), actorCount);
  const firstNames = actors.map(firstNameOf);

  const rng = root.fork('sessions');
  // Numeric keys (actor index, begin offset) instead of id strings: far cheaper to hash for 100k+ sessions.
  const taken = new Set<number>();
  const windowStart = now - WINDOW_MS;
  const records: SessionRecord[] = [];
  for (let ordinal = 0; ordinal < options.sessions; ordinal++) {
    const actorIndex = pickActorIndex(rng, actors.length);
    const actor = actors[actorIndex] as Actor;
    const duration = drawDurationMs(rng);
    let beginTime: number;
    if (rng.chance(0.03)) {
      // Still active: the last activity is under two hours old.
      beginTime = now - rng.int(0, 2 * HOUR_MS) - duration;
    } else {
      beginTime = now - WINDOW_MS + rng.int(0, WINDOW_MS - duration);
    }
    const endTime = beginTime + duration;
    const actorKey = actorIndex * 2 ** 34 - windowStart;
    while (taken.has(actorKey + beginTime)) beginTime += 1;
    taken.add(actorKey + beginTime);
    const firstObserved = Math.min(endTime, beginTime + rng.int(MINUTE_MS, 8 * MINUTE_MS));
    records.push(
      buildSessionRecord(rng, {
        actor,
        firstName: firstNames[actorIndex] as string,
        tenantId,
        ordinal,
        beginTime,
        endTime,
        firstObserved,
        horizon: now,
        hasAlerts: rng.chance(0.7),
        untriaged: false,
      }),
    );
  }

  return {
    tenantId,
    actors,
    watchlists: WATCHLISTS.map(({ id, name }) => ({ id, name })),
    rules: RULES.map(({ ruleId, ruleName }) => ({ ruleId, ruleName })),
    riskIndicators: RISK_INDICATORS.map(({ id, name, weight }) => ({ id, name, weight })),
    records,
  };
}
