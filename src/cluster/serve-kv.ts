/**
 * How a serving engine holds the KV cache, beyond its bytes per token (serve.ts):
 *
 * - Paged blocks (vLLM's PagedAttention, Kwon et al., SOSP 2023, section 4.1): a sequence holds
 *   ceil(tokens / block) blocks, so it wastes at most one partly filled block; without paging (block 1
 *   here) a sequence reserves exactly its prompt + output, as the closed forms always assumed.
 * - Prefix caching (vLLM automatic prefix caching; SGLang's RadixAttention, Zheng et al. 2024,
 *   arXiv:2312.07104): a fraction `prefixHitRate` of each prompt's tokens is found in the cache. Those
 *   tokens are not prefilled again, and their KV is one shared prefix held once per replica (a system
 *   prompt or few-shot examples every request starts with), not once per sequence.
 * - Offload to host memory (FlexGen, Sheng et al., ICML 2023; LMCache): KV beyond what HBM holds lives in
 *   `hostBytesPerChip` of host memory and crosses the host link once per decode step (not overlapped:
 *   an upper bound on the cost). The link is the chip's `hostLink` unless given: PCIe 5.0 x16 moves
 *   64 GB/s per direction (PCI-SIG, PCIe 5.0 specification: 32 GT/s x 16 lanes), NVLink-C2C on GH200
 *   450 GB/s per direction (NVIDIA Grace Hopper Superchip Architecture whitepaper, 2023: 900 GB/s total).
 * - A prefix restored from host memory (`prefixSource: 'host'`; vLLM's OffloadingConnector, TensorRT-LLM's
 *   host KV-cache offload, LMCache): the cached tokens are a request's own earlier turns kept in host memory,
 *   not a prefix shared in HBM. Before its prefill the request copies their KV over the host link: restored
 *   tokens x KV bytes per token per chip over the host link (each chip its own shard over its own link), not
 *   overlapped with the prefill of the rest (vLLM loads the blocks before it schedules the request). Once
 *   restored, each sequence holds its own copy. The copy is one DMA transfer per KV block (cudaMemcpyAsync):
 *   since vLLM 0.12 a block holds all layers' K and V of its tokens contiguously (vLLM blog, "Inside vLLM's
 *   New KV Offloading Connector", 2026-01-08: Llama 3.1 8B 2 MB, Llama 3.2 1B 0.5 MB at 16 tokens), so
 *   a block is `blockTokens` x KV bytes per token per chip. Each block costs the link's `dmaSetupNs` plus its
 *   bytes at the link's `sustainedBandwidthBytesPerS` (what the copy engines reach, not the PCIe line rate).
 */
import type { LinkSpec } from '../arch/chip-spec.js';
import { issue, type Issue } from '../core/errors.js';

/** Where cached prompt tokens are found: in HBM (a shared prefix) or in host memory (restored per request). */
export const PREFIX_SOURCES = ['hbm', 'host'] as const;
export type PrefixSource = (typeof PREFIX_SOURCES)[number];

export interface KvCacheOptions {
  /** Tokens per KV block (vLLM default 16); 1 or absent: no paging waste. */
  readonly blockTokens?: number;
  /** Fraction of each prompt found in the prefix cache, in [0, 1). */
  readonly prefixHitRate?: number;
  /** Where the cached tokens are: 'hbm' (default, shared by the replica's sequences) or 'host' (each request's own). */
  readonly prefixSource?: PrefixSource;
  /** Host memory per chip the KV cache may spill into (bytes). */
  readonly hostBytesPerChip?: number;
  /** Host link bandwidth per chip (bytes/s); default the chip's `hostLink`. */
  readonly hostLinkBytesPerS?: number;
}

/** Every problem with KV-cache options, with path, value and limit. */
export function validateKvCache(o: KvCacheOptions): Issue[] {
  const out: Issue[] = [];
  if (o.blockTokens !== undefined && !(Number.isInteger(o.blockTokens) && o.blockTokens >= 1 && o.blockTokens <= 4096))
    out.push(issue('out_of_range', 'blockTokens', `blockTokens: ${o.blockTokens} must be an integer within [1, 4096]`));
  if (o.prefixHitRate !== undefined && !(o.prefixHitRate >= 0 && o.prefixHitRate < 1))
    out.push(issue('out_of_range', 'prefixHitRate', `prefixHitRate: ${o.prefixHitRate} must be within [0, 1)`));
  if (o.prefixSource !== undefined && !(PREFIX_SOURCES as readonly string[]).includes(o.prefixSource))
    out.push(
      issue('bad_value', 'prefixSource', `prefixSource: ${o.prefixSource} must be one of ${PREFIX_SOURCES.join(', ')}`),
    );
  if (o.hostBytesPerChip !== undefined && !(Number.isFinite(o.hostBytesPerChip) && o.hostBytesPerChip >= 0))
    out.push(issue('too_small', 'hostBytesPerChip', `hostBytesPerChip: ${o.hostBytesPerChip} must be >= 0`));
  if (o.hostLinkBytesPerS !== undefined && !(Number.isFinite(o.hostLinkBytesPerS) && o.hostLinkBytesPerS > 0))
    out.push(issue('too_small', 'hostLinkBytesPerS', `hostLinkBytesPerS: ${o.hostLinkBytesPerS} must be > 0`));
  return out;
}

/** Prompt tokens found in the prefix cache (whole tokens). */
export function cachedPromptTokens(o: KvCacheOptions | undefined, prompt: number): number {
  return Math.floor((o?.prefixHitRate ?? 0) * prompt);
}

/** Cached prompt tokens held once per replica: a prefix in HBM; none when each request restores its own from host. */
export function sharedPromptTokens(o: KvCacheOptions | undefined, prompt: number): number {
  return o?.prefixSource === 'host' ? 0 : cachedPromptTokens(o, prompt);
}

/** What times a copy over a host link: its line rate, and where measured its DMA rate and per-copy setup. */
export type HostLinkCopy = Pick<LinkSpec, 'bandwidthBytesPerS' | 'sustainedBandwidthBytesPerS' | 'dmaSetupNs'>;

/**
 * Seconds to copy `bytes` over the host link in `copies` DMA transfers: each pays the link's `dmaSetupNs`, the bytes
 * move at `rateBytesPerS` if given (an override of the link), else the link's sustained DMA rate capped at its line
 * rate (a design that narrows the link, say in a sweep, narrows the copy), else its line rate.
 */
export function hostCopySeconds(bytes: number, copies: number, link: HostLinkCopy, rateBytesPerS?: number): number {
  const line = link.bandwidthBytesPerS;
  const rate = rateBytesPerS ?? Math.min(line, link.sustainedBandwidthBytesPerS ?? line);
  return bytes / rate + copies * (link.dmaSetupNs ?? 0) * 1e-9;
}

/**
 * Seconds one request spends copying its cached prefix from host memory before its prefill: cached tokens x
 * `kvBytesPerTokenPerChip`, one copy per KV block of `blockTokens` tokens (one copy of the whole prefix when the cache
 * is not paged), over the host link (at the options' `hostLinkBytesPerS` if given); 0 for a prefix in HBM.
 */
export function prefixRestoreSeconds(
  o: KvCacheOptions | undefined,
  prompt: number,
  kvBytesPerTokenPerChip: number,
  link: HostLinkCopy,
): number {
  if (o?.prefixSource !== 'host') return 0;
  const tokens = cachedPromptTokens(o, prompt);
  const copies = tokens === 0 ? 0 : Math.ceil(tokens / (o.blockTokens ?? tokens));
  return hostCopySeconds(tokens * kvBytesPerTokenPerChip, copies, link, o.hostLinkBytesPerS);
}

/**
 * Prompt tokens a request prefills: those the prefix cache does not hold (at least one, the last token, whose logits
 * give the first output).
 */
export function prefillPromptTokens(o: KvCacheOptions | undefined, prompt: number): number {
  return Math.max(1, prompt - cachedPromptTokens(o, prompt));
}

/** Tokens of KV one sequence holds at `tokens` tokens in its own blocks: whole blocks. */
export function pagedTokens(o: KvCacheOptions | undefined, tokens: number): number {
  const block = o?.blockTokens ?? 1;
  return Math.ceil(tokens / block) * block;
}

/**
 * KV tokens of `batch` sequences at prompt + output: each its own unshared tokens in whole blocks, the shared prefix
 * once.
 */
export function kvTokensHeld(o: KvCacheOptions | undefined, batch: number, prompt: number, output: number): number {
  const shared = sharedPromptTokens(o, prompt);
  return batch * pagedTokens(o, prompt - shared + output) + (batch > 0 ? pagedTokens(o, shared) : 0);
}

/** The fraction of held KV tokens that are paging waste (the part-filled last block of each sequence). */
export function pagingWaste(o: KvCacheOptions | undefined, batch: number, prompt: number, output: number): number {
  const held = kvTokensHeld(o, batch, prompt, output);
  const used = kvTokensHeld(o === undefined ? undefined : { ...o, blockTokens: 1 }, batch, prompt, output);
  return held > 0 ? (held - used) / held : 0;
}

/**
 * KV that does not fit HBM and how long one decode step spends bringing it over the host link; `fits` false when host
 * memory is short too.
 */
export interface KvOffload {
  readonly hostBytes: number;
  readonly stepS: number;
  readonly fits: boolean;
}

export function kvOffload(
  o: KvCacheOptions | undefined,
  kvBytesPerChip: number,
  hbmBudgetBytes: number,
  hostLinkBytesPerS: number,
): KvOffload {
  const over = Math.max(0, kvBytesPerChip - Math.max(0, hbmBudgetBytes));
  const host = o?.hostBytesPerChip ?? 0;
  if (over === 0) return { hostBytes: 0, stepS: 0, fits: true };
  if (host === 0) return { hostBytes: 0, stepS: 0, fits: false };
  return { hostBytes: over, stepS: over / (o?.hostLinkBytesPerS ?? hostLinkBytesPerS), fits: over <= host };
}
