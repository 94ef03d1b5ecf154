import type { BenchResults, Target } from '../result-types.js';
import { presentScenarios } from '../results.js';
import { verdictText } from './verdict.js';

const num = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || !Number.isFinite(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `1.05×`, or `n/a`. */
export function times(n: number | null): string {
  return n === null ? 'n/a' : `${num(n, 2)}×`;
}

/** `**PASS**`, `**MISS**`, or `PASS, unsettled` when the rounds' middle half straddles the target. */
export function verdict(target: Target): string {
  const text = verdictText(target);
  return target.pass !== null && target.settled !== false ? `**${text}**` : text;
}

/** `0.98-1.21× (5/8)`: the middle half of a target's ratio over the rounds, and how many rounds met it. */
export function spread(target: Target): string {
  const r = target.rounds;
  return r === null ? 'n/a' : `${num(r.q1, 2)}-${num(r.q3, 2)}× (${r.met}/${r.count})`;
}

/** The results as Markdown: scenarios table, targets with PASS/MISS, memory check, machine notes. */
export function renderMarkdown(results: BenchResults): string {
  const s = results.settings;
  const lines: string[] = [];
  lines.push(
    `## Rampart benchmark: ${results.mode} run, ${results.started_at.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${s.rounds} rounds${s.epochs > 1 ? ` in ${s.epochs} epochs (fresh server and load processes for each)` : ''}, scenarios alternating; per scenario and round ${s.warmupMs / 1000} s warm-up, ${s.measureMs / 1000} s measured; ` +
      `${s.concurrency} calls in flight over ${s.connections} HTTP/2 connections (streams: ${s.streamConcurrency} streams of ${s.streamMessages} messages). ` +
      `Node ${results.machine.node}, ${results.machine.cpus} cores, ` +
      (results.machine.pinned ? 'server pinned to core 0 and load to core 1 (taskset).' : 'NOT pinned (no taskset or one core).') +
      (s.serverNodeArgs.length > 0 ? ` Every server ran with \`${s.serverNodeArgs.join(' ')}\`.` : '') +
      (s.settleGc
        ? ' Every server had one forced major GC under load in each warm-up, so all are measured in the steady state of a long-running server (`--no-settle-gc`: without).'
        : ' No forced major GC (`--no-settle-gc`): servers may be measured before or after their first major GC.') +
      ' Figures are medians over rounds.',
    '',
    '| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | server core busy | load CPU µs/req | peak RSS MB | heap after start MB | GC pauses | GC µs/req minor / major | longest GC pause ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const name of presentScenarios(results)) {
    const r = results.scenarios[name];
    if (!r) continue;
    const unit = r.unit === 'messages' ? ' (msg/s, per msg)' : '';
    lines.push(
      `| ${r.label}${unit} | ${num(r.rps)} | ${num(r.p50_ms, 2)} | ${num(r.p99_ms, 2)} | ${num(r.cpu_us_per_req, 1)} | ${num(r.server_cpu_util * 100)} % | ${num(r.gen_cpu_us_per_req, 1)} | ${num(r.rss_mb)} | ${num(r.heap_start_mb, 1)} | ${num(r.gc_pause_share * 100)} % | ${num(r.gc_minor_us_per_req, 1)} / ${num(r.gc_major_us_per_req, 1)} | ${num(r.gc_max_pause_ms, 1)} | ${r.errors}${r.first_error ? ` (${r.first_error})` : ''} |`,
    );
  }
  lines.push(
    '',
    `Streams: req/s is messages/s and CPU is per message; p50/p99 are per whole stream of ${s.streamMessages} messages. ` +
      'GC pauses: share of the window the server spent in garbage-collection pauses, and its longest pause (medians over rounds): with 32 calls in flight, the longest pauses set the p99. GC µs/req: pause time per call, minor GCs (scavenges: their cost is what survives them) and major ones (mark-compact: their cost grows with the live heap). ' +
      'Heap after start: the server\'s V8 heap in use once it started, after forced GCs, before any call (what it loaded; major GCs walk it).',
    `Raw jose \`jwtVerify\` (ES256, in-process, key imported): ${num(results.baselines.jose_jwtverify_us, 1)} µs CPU per verification; ` +
      `Rampart's \`TokenVerifier\` in the same loop (every token a cache miss): ${num(results.baselines.rampart_verify_us, 1)} µs ` +
      `(${times(results.ratios.verifier_vs_jose_loop ?? null)}).`,
    '',
    '### Targets',
    '',
    '| target | measured | per round: middle half (rounds met) | target | result |',
    '| --- | ---: | ---: | ---: | --- |',
  );
  for (const t of results.targets) {
    lines.push(`| ${t.label} | ${times(t.value)} | ${spread(t)} | ${t.op === '<=' ? '≤' : '≥'} ${num(t.limit, 2)}× | ${verdict(t)} |`);
  }
  const r = results.ratios;
  const aa = r.aa_control;
  lines.push(
    '',
    'Measured: the ratio of the scenarios\' medians (the result). Per round: the same ratio within each round, where the two ' +
      'scenarios ran seconds apart; its first to third quartile shows how far the machine\'s noise moves it, and a ' +
      'result whose middle half straddles the target is not settled by one run.',
    '',
    aa?.cpu_us_per_req == null
      ? 'A/A control: not run (full runs have it; a quick run with `--only ...,grpc-mtls,grpc-mtls-again`).'
      : `A/A control (the same bare grpc-js mTLS server in two processes, CPU/call): ${times(aa.cpu_us_per_req)}` +
        `${aa.rounds ? `, per round ${num(aa.rounds.q1, 2)}-${num(aa.rounds.q3, 2)}×` : ''}: what this run's noise alone does to a ratio.`,
    '',
    `Other ratios: Rampart @RequireMtls vs grpc-js mTLS CPU/call ${times(r.rampart_mtls_vs_grpc_mtls.cpu_us_per_req)}, req/s ${times(r.rampart_mtls_vs_grpc_mtls.rps)}; ` +
      `grpc-js mTLS vs plaintext CPU/call ${times(r.grpc_mtls_vs_plaintext.cpu_us_per_req)}; ` +
      `Rampart warm vs NestJS CPU/call ${times(r.auth_warm_vs_nest.cpu_us_per_req)}; streaming CPU/message ${times(r.stream_rampart_vs_grpc.cpu_us_per_req)}; ` +
      `streaming from an async generator msg/s ${times(r.stream_rampart_async_vs_grpc.rps)} (CPU/message ${times(r.stream_rampart_async_vs_grpc.cpu_us_per_req)}); ` +
      `grpc-js with a pass-through interceptor vs without CPU/call ${times(r.grpc_interceptor_vs_grpc_mtls.cpu_us_per_req)}; ` +
      `grpc-js receiving the token header (not verified) vs without CPU/call ${times(r.grpc_token_header_vs_grpc_mtls.cpu_us_per_req)}; ` +
      `Rampart @RequireMtls vs the same app with the bare grpc-js handler swapped in CPU/call ${times(r.rampart_mtls_vs_bare_handler.cpu_us_per_req)}; ` +
      `bare grpc-js beside an idle Rampart app in its process vs alone CPU/call ${times(r.grpc_beside_rampart_vs_grpc_mtls.cpu_us_per_req)} (minor GC µs/call ${times(r.grpc_beside_rampart_vs_grpc_mtls.gc_minor)}); ` +
      `cold verification cost vs raw jwtVerify in a tight loop (no server) ${times(r.cold_verification_vs_jose_loop)}.`,
    '',
    '### Memory',
    '',
  );
  const m = results.memory;
  if (m) {
    lines.push(
      `Server RSS (after a forced GC) after ${num(m.small_calls)} authenticated calls: ${num(m.rss_small_mb, 1)} MB (heap ${num(m.heap_small_mb, 1)} MB); ` +
        `after ${num(m.large_calls)}: ${num(m.rss_large_mb, 1)} MB (heap ${num(m.heap_large_mb, 1)} MB); errors ${m.errors}.` +
        (results.mode === 'quick'
          ? ' Quick mode: fewer calls than the full run (100,000 vs 1,000,000), and the first mark falls in the early growth of a fresh process, so growth reads higher than in the full run.'
          : ''),
    );
  } else {
    lines.push('Not run.');
  }
  const foreign = results.machine.foreign_cores_median;
  lines.push(
    '',
    `Machine: load average ${results.machine.loadavg_before.map((l) => num(l, 2)).join(' ')} before, ${results.machine.loadavg_after
      .map((l) => num(l, 2))
      .join(' ')} after; other processes kept ${num(foreign, 2)} cores busy during the windows (median). ` +
      'Server CPU per request is the primary figure: it barely moves when other processes take turns on the cores, requests/s and latency do.',
    '',
  );
  return lines.join('\n');
}
