import { cpuJudged, perDeliveredMessage, ratio, serverBusyShare } from '../results/metrics.js';
import { thresholdText } from './server-cpu.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber, fmtPercent, fmtSetting } from '../results/number-format.js';
import { isValidRun, type Results, type RunResult } from '../results/results.js';
import { describeIdentity } from '../results/scenario.js';
import { headerBytesPerPoll, LUBBERS_HEADER_BYTES_PER_POLL } from '../results/header-bytes.js';
import { articleRuns, type ArticleRuns } from './article-runs.js';
import type { ClaimId } from './claims.js';
import { heldFigures, heldMeanText } from './held.js';

/**
 * Each claim of the article judged by this run's data: whether the run shows it, in a sentence that names the
 * measured numbers, and where it does not, why — the scenario decides, and that is the lesson. Pure functions of
 * a Results, so two results files can be rendered, and tested, to opposite verdicts.
 */

export type Verdict = 'shown' | 'not-shown' | 'not-measured';
export type JudgedClaim = ClaimId;

export const VERDICT_WORDS: Record<Verdict, string> = {
  shown: 'Shown',
  'not-shown': 'Not shown in this run',
  'not-measured': 'Not measured',
};

export interface Judgement {
  claim: JudgedClaim;
  verdict: Verdict;
  /** What the run shows, naming the measured numbers; plain text (escape before printing). The verdict is not repeated in it. */
  finding: string;
}

/** A strategy's short name inside a sentence: "short polling", "WebSocket". */
export function nameOf(run: RunResult): string {
  const title = run.strategy.title;
  // Titles are capitalised as headings; inside a sentence only proper names keep their capital.
  return /^[A-Z][a-z]/.test(title) && !/^WebSocket/.test(title) ? title[0].toLowerCase() + title.slice(1) : title;
}

function capitalised(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}

const ms = (us: number) => `${fmtMs(us)} ms`;

/** A run that cannot carry a verdict, and why; null when it can. */
function unusable(run: RunResult | undefined, role: string): string | null {
  if (run === undefined) return `${role} did not run in these results`;
  if (!isValidRun(run)) return `${nameOf(run)}’s run is invalid (a client missed, repeated or reordered a message), so its figures prove nothing`;
  if (run.messages.delivered === 0) return `${nameOf(run)} delivered no message`;
  return null;
}

function notMeasured(claim: JudgedClaim, why: string): Judgement {
  return { claim, verdict: 'not-measured', finding: `${capitalised(why)}.` };
}

/** C1: with short polling a message waits for the next poll; a push strategy sends it when it exists. */
export function judgeC1(a: ArticleRuns): Judgement {
  const problem = unusable(a.short, 'Short polling');
  if (problem !== null) return notMeasured('C1', problem);
  const short = a.short!;
  const interval = short.scenario.pollIntervalMs;
  const lat = short.latencyUs;
  const wait =
    `${capitalised(nameOf(short))}’s messages waited ${ms(lat.mean)} on average — the poll interval is ${fmtInt(interval)} ms, ` +
    `so half of it, ${fmtNumber(interval / 2, 0)} ms, is expected — and up to ${ms(lat.max)}.`;
  const push = a.push !== undefined && unusable(a.push, '') === null ? a.push : undefined;
  if (push === undefined) {
    const shown = lat.mean >= 0.3 * interval * 1000;
    return {
      claim: 'C1',
      verdict: shown ? 'shown' : 'not-shown',
      finding: `For short polling alone (no push strategy ran to compare with): ${wait}`,
    };
  }
  const times = ratio(lat.p50, push.latencyUs.p50);
  if (times !== null && times >= 3) {
    return {
      claim: 'C1',
      verdict: 'shown',
      finding:
        `${wait} ${capitalised(nameOf(push))} delivered in ${ms(push.latencyUs.p50)} (median), ${timesText(times)} sooner than short ` +
        `polling’s median of ${ms(lat.p50)}: the server sent each message as soon as it existed.`,
    };
  }
  const requests = perDeliveredMessage(short).requestsPerDelivered;
  return {
    claim: 'C1',
    verdict: 'not-shown',
    finding:
      `Short polling’s median wait, ${ms(lat.p50)}, is within 3× of ${nameOf(push)}’s ${ms(push.latencyUs.p50)}: asking every ` +
      `${fmtInt(interval)} ms leaves a message little time to wait. The price is in the requests: ${fmtNumber(requests, 2)} per delivered message.`,
  };
}

/** C2: short polling asks every interval, and most answers are "nothing new". */
export function judgeC2(a: ArticleRuns): Judgement {
  const problem = unusable(a.short, 'Short polling');
  if (problem !== null) return notMeasured('C2', problem);
  const short = a.short!;
  const { requestsPerDelivered, emptyShare } = perDeliveredMessage(short);
  const { ratePerSec, pollIntervalMs } = short.scenario;
  const perInterval = ratePerSec * (pollIntervalMs / 1000);
  const others = [a.long, a.push]
    .filter((run): run is RunResult => run !== undefined && unusable(run, '') === null)
    .map((run) => `${nameOf(run)}’s ${fmtNumber(perDeliveredMessage(run).requestsPerDelivered, 2)}`);
  const against = others.length === 0 ? '' : `, against ${others.join(' and ')}`;
  const scene =
    `${fmtSetting(ratePerSec)} messages a second against one poll every ${fmtInt(pollIntervalMs)} ms is about ` +
    `${fmtNumber(perInterval, perInterval < 10 ? 1 : 0)} message${perInterval === 1 ? '' : 's'} per poll interval`;
  if (emptyShare !== null && emptyShare > 0.5) {
    return {
      claim: 'C2',
      verdict: 'shown',
      finding:
        `${fmtPercent(emptyShare)} of short polls came back with nothing new, and short polling needed ` +
        `${fmtNumber(requestsPerDelivered, 2)} requests per delivered message${against}. ${capitalised(scene)}: most polls find nothing.`,
    };
  }
  const long = a.long !== undefined && unusable(a.long, '') === null ? perDeliveredMessage(a.long).requestsPerDelivered : null;
  const beats =
    long !== null && requestsPerDelivered !== null && requestsPerDelivered < long ? ` — fewer than long polling’s ${fmtNumber(long, 2)}` : '';
  return {
    claim: 'C2',
    verdict: 'not-shown',
    finding:
      `Only ${fmtPercent(emptyShare)} of short polls came back empty, and short polling needed ${fmtNumber(requestsPerDelivered, 2)} ` +
      `requests per delivered message${beats}. ${capitalised(scene)}: most polls find news and bring several messages at once. The claim ` +
      `holds when messages are rarer than polls, as in the quick preset (0.5 a second against one poll a second).`,
  };
}

/** C3: long polling parks a request per waiting client on the server; it costs a full HTTP round per message. */
export function judgeC3(a: ArticleRuns): Judgement {
  const problem = unusable(a.long, 'Long polling');
  if (problem !== null) return notMeasured('C3', problem);
  const long = a.long!;
  const clients = long.scenario.clients;
  const held = heldFigures(long);
  const round =
    `Long polling paid a full HTTP round per message: ${fmtNumber(perDeliveredMessage(long).requestsPerDelivered, 2)} requests ` +
    `per delivered message.`;
  const latency = latencyNote(long, a.push);
  if (held === null) {
    return notMeasured(
      'C3',
      `these results predate the server’s samples of held requests; only TCP connections were recorded (long polling ` +
        `${fmtInt(long.connections.peak)} at most for ${fmtInt(clients)} clients)`,
    );
  }
  const short = a.short !== undefined && unusable(a.short, '') === null ? a.short : undefined;
  const shortHeld = short === undefined ? null : heldFigures(short);
  const contrast =
    short === undefined || shortHeld === null
      ? ''
      : ` Short polling held ${shortHeld.peak === 0 ? 'none' : `at most ${fmtInt(shortHeld.peak)}`} (each poll is answered at once), ` +
        `although it kept ${fmtInt(short.connections.peak)} TCP connections open against long polling’s ${fmtInt(long.connections.peak)}: ` +
        `with keep-alive, connections alone do not tell the two apart.`;
  const parked =
    `${heldMeanText(held.mean)} requests parked on the server on average while messages were published (peak ` +
    `${fmtInt(held.peak)}), for ${fmtInt(clients)} clients`;
  if (held.mean >= 0.5 * clients) {
    return {
      claim: 'C3',
      verdict: 'shown',
      finding: `Long polling kept ${parked}: about one per client, each waiting for news.${contrast} ${round}${latency}`,
    };
  }
  return {
    claim: 'C3',
    verdict: 'not-shown',
    finding:
      `Long polling kept only ${parked}: at ${fmtSetting(long.scenario.ratePerSec)} messages a second a held poll is answered soon ` +
      `after it arrives, and the clients spend much of their time re-requesting.${contrast} ${round}${latency}`,
  };
}

/** Why long polling's latency sits above a push strategy's, even on loopback, when it does. */
function latencyNote(long: RunResult, push: RunResult | undefined): string {
  if (push === undefined || unusable(push, '') !== null || long.latencyUs.count === 0) return '';
  const times = ratio(long.latencyUs.p50, push.latencyUs.p50);
  if (times === null || times < 2) return '';
  return (
    ` Its median latency, ${ms(long.latencyUs.p50)} against ${nameOf(push)}’s ${ms(push.latencyUs.p50)}, is the price of that round: ` +
    `every message ends each held poll with a whole HTTP response, and a message published while a client is re-requesting waits until its ` +
    `next poll arrives.`
  );
}

/** Whose headers a run's requests carried, for a sentence: "the headers of Chromium 156.0.8078.129 (captured)". */
function headerWords(run: RunResult): string {
  const headers = run.clientHeaders;
  if (headers?.profile === 'browser') return `the headers of ${headers.source} itself`;
  if (headers?.profile === 'chromium') return `the headers ${headers.source} sends (captured from it)`;
  return 'the fewest headers HTTP needs (no browser’s)';
}

/** The classic table's figure beside ours: header bytes per poll, request and answer, against Lubbers and Greco's 871 B. */
function thenAndNow(http: readonly RunResult[]): string {
  const figures = http.flatMap((run) => {
    const perPoll = headerBytesPerPoll(run);
    return perPoll === null ? [] : [`${nameOf(run)} ${fmtBytes(perPoll.total)} B`];
  });
  if (figures.length === 0) return '';
  return (
    ` Headers per poll, request and answer together: ${figures.join(', ')}, against the ${fmtInt(LUBBERS_HEADER_BYTES_PER_POLL)} B of ` +
    `Lubbers and Greco’s 2009 table (see the table below).`
  );
}

/** C4: every HTTP request carries its identity again; a WebSocket sends its headers once. */
export function judgeC4(a: ArticleRuns): Judgement {
  const http = [a.short, a.long].filter((run): run is RunResult => run !== undefined && unusable(run, '') === null);
  if (http.length === 0) return notMeasured('C4', 'neither short nor long polling ran validly in these results');
  const identity = describeIdentity(http[0].scenario);
  const perRequest = http.map((run) => {
    const up = perDeliveredMessage(run).bytesUpPerDelivered;
    return `${nameOf(run)} ${fmtBytes(ratio(run.bytes.clientToServer, run.requests.total))} B per request, ${fmtBytes(up)} B per delivered message`;
  });
  const whose = headerWords(http[0]);
  const headers = identity === null ? `its request line and ${whose}` : `its request line and ${whose}, ${identity} among them`;
  const sweep = identity === null ? ' This run sends no cookie; --cookie-bytes adds one to every request.' : '';
  const sent = `Every HTTP request sent ${headers} again: ${perRequest.join('; ')} (client → server).${thenAndNow(http)}`;
  const push = a.push !== undefined && unusable(a.push, '') === null ? a.push : undefined;
  if (push === undefined) {
    return { claim: 'C4', verdict: 'shown', finding: `For HTTP alone (no push strategy ran to compare with): ${sent}${sweep}` };
  }
  const pushUp = perDeliveredMessage(push).bytesUpPerDelivered;
  const leastHttp = Math.min(...http.map((run) => perDeliveredMessage(run).bytesUpPerDelivered ?? Number.POSITIVE_INFINITY));
  const once = `${nameOf(push)} sent its headers once, in its handshake: ${fmtBytes(pushUp)} B up per delivered message over the run.`;
  if (pushUp !== null && pushUp * 2 <= leastHttp) {
    return { claim: 'C4', verdict: 'shown', finding: `${sent} ${once}${sweep}` };
  }
  return {
    claim: 'C4',
    verdict: 'not-shown',
    finding:
      `${sent} ${once} Its one handshake was spread over only ${fmtInt(push.messages.delivered)} delivered messages, too few for the ` +
      `repeated headers to add up.${sweep}`,
  };
}

/** C5: one handshake, then one connection on which the server pushes small frames. */
export function judgeC5(a: ArticleRuns): Judgement {
  const problem = unusable(a.push, 'No push strategy (WebSocket)');
  if (problem !== null) return notMeasured('C5', problem);
  const push = a.push!;
  const clients = push.scenario.clients;
  const perClient = push.requests.total / clients;
  const down = perDeliveredMessage(push).bytesDownPerDelivered;
  const http = [a.short, a.long].filter((run): run is RunResult => run !== undefined && unusable(run, '') === null);
  const httpDown = http.map((run) => ({ run, down: perDeliveredMessage(run).bytesDownPerDelivered }));
  const against =
    httpDown.length === 0
      ? ''
      : ` — against ${httpDown.map((h) => `${fmtBytes(h.down)} B for ${nameOf(h.run)}`).join(' and ')}, whose every answer carries a status ` +
        `line and headers`;
  const fastest = a.own.filter((run) => isValidRun(run) && run.latencyUs.count > 0).every((run) => run.latencyUs.p50 >= push.latencyUs.p50);
  const facts =
    `${capitalised(nameOf(push))} made ${fmtNumber(perClient, 2)} requests per client for the whole run and received ` +
    `${fmtBytes(down)} B per message for a ${fmtInt(push.scenario.payloadBytes)}-byte payload${against}. Its median latency was ` +
    `${ms(push.latencyUs.p50)}${fastest && a.own.length > 1 ? ', the lowest of the run' : ''}.`;
  const fewerBytes = down !== null && httpDown.every((h) => h.down === null || down < h.down);
  if (perClient <= 1.05 && fewerBytes) return { claim: 'C5', verdict: 'shown', finding: facts };
  const why =
    perClient > 1.05
      ? `its clients had to reconnect (${fmtInt(push.requests.reconnects)} reconnects), so one handshake did not last the run`
      : 'its bytes per message were not below every HTTP strategy’s';
  return { claim: 'C5', verdict: 'not-shown', finding: `${capitalised(why)}. ${facts}` };
}

/** Every judged claim of one results file. */
export function judgeClaims(results: Results): Record<JudgedClaim, Judgement> {
  const a = articleRuns(results);
  return { C1: judgeC1(a), C2: judgeC2(a), C3: judgeC3(a), C4: judgeC4(a), C5: judgeC5(a) };
}

/**
 * What a delivered message cost the server's CPU, cheapest and dearest of pushbench's own strategies: the "fast
 * handler" short polling needs (C2) in numbers. Only runs whose server was busy enough for its CPU to mean
 * something are compared (CPU_JUDGED_SHARE); with fewer than two of them, the finding says so instead. Null with
 * fewer than two measured strategies.
 */
export function costFinding(results: Results): string | null {
  const measured = articleRuns(results)
    .own.filter((run) => isValidRun(run))
    .map((run) => ({ run, cost: perDeliveredMessage(run).cpuMsPerThousand }))
    .filter((m): m is { run: RunResult; cost: number } => m.cost !== null && m.cost > 0);
  if (measured.length < 2) return null;
  const judged = measured.filter((m) => cpuJudged(m.run)).sort((x, y) => x.cost - y.cost);
  if (judged.length < 2) {
    const busiest = measured.map((m) => ({ run: m.run, busy: serverBusyShare(m.run.server) ?? 0 })).reduce((a, b) => (b.busy > a.busy ? b : a));
    return (
      `Server CPU per delivered message is not compared in these results: the server was busy less than ${thresholdText()} above idle ` +
      `while the messages were published in ${judged.length === 0 ? 'every run' : 'all runs but one'} (the busiest, ${nameOf(busiest.run)}, ` +
      `${fmtPercent(busiest.busy)}), so its fixed costs outweigh what delivering cost and the strategies differ by chance. A heavier ` +
      `scenario measures it, e.g. the peers preset’s 2,000 clients at 5 messages a second.`
    );
  }
  const [cheapest, dearest] = [judged[0], judged.at(-1)!];
  const cpu = (m: { cost: number }) => `${fmtNumber(m.cost, 1)} ms of CPU per 1,000 delivered messages`;
  return (
    `${capitalised(nameOf(dearest.run))} cost the server the most, ${cpu(dearest)}: ${timesText(dearest.cost / cheapest.cost)} ` +
    `${nameOf(cheapest.run)}’s ${fmtNumber(cheapest.cost, 1)} ms.`
  );
}

/** "20×", "4.8×": how many times one figure is the other, as a reader says it. */
export function timesText(times: number): string {
  return `${fmtNumber(times, times >= 10 ? 0 : 1)}×`;
}
