/**
 * Models with their initializers in a side file, as onnx.save_model(..., save_as_external_data=True)
 * writes them: each tensor's bytes at an aligned offset of one file, named by location, offset and length.
 */
import type { OnnxModel, OnnxTensor } from '../onnx-model.js';

export interface ExternalizeOptions {
  /** Only tensors of at least this many bytes move out (onnx's size_threshold; default 0: all). */
  readonly minBytes?: number;
  /** Each tensor starts at a multiple of this many bytes (default 64). */
  readonly align?: number;
}

/** The model with its initializers moved to `location`, and the bytes that file holds. */
export function externalizeModel(
  model: OnnxModel,
  location: string,
  options: ExternalizeOptions = {},
): { model: OnnxModel; data: Uint8Array } {
  const { minBytes = 0, align = 64 } = options;
  const places: { tensor: OnnxTensor; offset: number }[] = [];
  let size = 0;
  const initializers = model.graph.initializers.map((t) => {
    if (t.raw.length < minBytes) return t;
    const offset = Math.ceil(size / align) * align;
    size = offset + t.raw.length;
    places.push({ tensor: t, offset });
    const externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(t.raw.length) },
    ];
    return { name: t.name, dataType: t.dataType, dims: t.dims, raw: new Uint8Array(0), externalData };
  });
  const data = new Uint8Array(size);
  for (const { tensor, offset } of places) data.set(tensor.raw, offset);
  return { model: { ...model, graph: { ...model.graph, initializers } }, data };
}
