/**
 * Where a logical tensor lives: a buffer, an element offset and one stride per logical dimension
 * (elements; 0 for a broadcast dimension). Layout ops (Reshape, Transpose, Slice, ...) become views
 * where the strides allow, as NumPy's do; the compiler copies the data where they do not.
 */

export interface View {
  /** Buffer id (see lower.ts). */
  readonly buffer: number;
  /** Elements from the buffer's start. */
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}

/** Row-major and packed (size-1 dimensions may have any stride). */
export function isContiguous(view: View): boolean {
  let expected = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    if (view.shape[d] === 1) continue;
    if (view.strides[d] !== expected) return false;
    expected *= view.shape[d]!;
  }
  return true;
}

/** The same elements under another shape, without copying; undefined when the strides cannot express it. */
export function reshapeView(view: View, shape: readonly number[]): View | undefined {
  // Drop size-1 dimensions, then split or merge the rest where each group of old dimensions is contiguous.
  const old = view.shape.map((d, i) => ({ size: d, stride: view.strides[i]! })).filter((d) => d.size !== 1);
  const strides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  const target = shape.map((d, i) => ({ size: d, index: i })).filter((d) => d.size !== 1);
  while (oi < old.length && ni < target.length) {
    // Grow a group on both sides until their element counts match.
    let oldCount = old[oi]!.size;
    let newCount = target[ni]!.size;
    const oStart = oi;
    const nStart = ni;
    while (oldCount !== newCount) {
      if (oldCount < newCount) oldCount *= old[++oi]?.size ?? NaN;
      else newCount *= target[++ni]?.size ?? NaN;
      if (Number.isNaN(oldCount) || Number.isNaN(newCount)) return undefined;
    }
    // The old group must be one contiguous run (each stride = next stride x next size).
    for (let k = oStart; k < oi; k++) if (old[k]!.stride !== old[k + 1]!.stride * old[k + 1]!.size) return undefined;
    let stride = old[oi]!.stride;
    for (let k = ni; k >= nStart; k--) {
      strides[target[k]!.index] = stride;
      stride *= target[k]!.size;
    }
    oi++;
    ni++;
  }
  if (oi !== old.length || ni !== target.length) return undefined;
  return { buffer: view.buffer, offset: view.offset, shape: [...shape], strides };
}

export function transposeView(view: View, perm: readonly number[]): View {
  return {
    buffer: view.buffer,
    offset: view.offset,
    shape: perm.map((p) => view.shape[p]!),
    strides: perm.map((p) => view.strides[p]!),
  };
}

/** Per axis: first index, step and count. */
export function sliceView(
  view: View,
  ranges: ReadonlyArray<{ readonly start: number; readonly step: number; readonly count: number }>,
): View {
  let offset = view.offset;
  ranges.forEach((r, d) => (offset += r.start * view.strides[d]!));
  return {
    buffer: view.buffer,
    offset,
    shape: ranges.map((r) => r.count),
    strides: ranges.map((r, d) => r.step * view.strides[d]!),
  };
}

/** NumPy broadcasting of a view to a larger shape: new or size-1 dimensions get stride 0. */
export function broadcastView(view: View, shape: readonly number[]): View {
  const lead = shape.length - view.shape.length;
  const strides = shape.map((d, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    return view.shape[j] === 1 && d !== 1 ? 0 : view.strides[j]!;
  });
  return { buffer: view.buffer, offset: view.offset, shape: [...shape], strides };
}

/** A loop dimension shared by several views of one shape: its size and each view's stride. */
export interface LoopDim {
  readonly size: number;
  readonly strides: readonly number[];
}

/**
 * The loops that visit every element of views of the same shape, outermost first: dimensions ordered by
 * the first view's strides (largest first), size-1 dimensions dropped, and neighbours merged where
 * every view steps through them as one. The last loop is innermost.
 */
export function loopNest(views: readonly View[]): LoopDim[] {
  const shape = views[0]!.shape;
  const order = shape
    .map((size, d) => ({ size, d }))
    .filter((x) => x.size !== 1)
    .sort((a, b) => Math.abs(views[0]!.strides[b.d]!) - Math.abs(views[0]!.strides[a.d]!) || a.d - b.d);
  const dims: LoopDim[] = [];
  for (const { size, d } of order) {
    const strides = views.map((v) => v.strides[d]!);
    const last = dims[dims.length - 1];
    if (last?.strides.every((s, i) => s === strides[i]! * size)) {
      dims[dims.length - 1] = { size: last.size * size, strides };
    } else dims.push({ size, strides });
  }
  return dims.length > 0 ? dims : [{ size: 1, strides: views.map(() => 1) }];
}

/** Every combination of the outer loops' indices, as element offsets per view. */
export function outerOffsets(dims: readonly LoopDim[], bases: readonly number[]): number[][] {
  let offsets: number[][] = [[...bases]];
  for (const dim of dims) {
    const next: number[][] = [];
    for (const o of offsets) for (let i = 0; i < dim.size; i++) next.push(o.map((x, v) => x + i * dim.strides[v]!));
    offsets = next;
  }
  return offsets;
}
