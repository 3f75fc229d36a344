/**
 * Tensors stored outside the model (TensorProto.data_location = EXTERNAL), as exporters write models over
 * protobuf's 2 GB limit: `external_data` entries give the file (`location`, relative to the model's folder),
 * the byte `offset` and the byte `length`, both decimal strings (onnx.proto, TensorProto.external_data).
 * The library does no I/O: the caller supplies a reader; this module checks the entries and that the bytes
 * the reader returns fit the tensor.
 */
import { issue, type Result } from '../../core/errors.js';
import { elementCount } from '../types.js';
import { elementBytes, type OnnxTensor } from './onnx-tensor.js';

/** Where one tensor's bytes lie: `location` is a checked relative path (no absolute path, no `..`). */
export interface ExternalDataRef {
  readonly tensor: string;
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

/** Reads `length` bytes at `offset` of `location`, relative to the model's folder; a problem is an issue. */
export type ExternalDataReader = (ref: ExternalDataRef) => Result<Uint8Array>;

/** Why a location may not be read, or undefined when it is a plain relative path inside the model's folder. */
export function externalLocationProblem(location: string): string | undefined {
  if (location === '') return 'the location is empty';
  if (location.includes('\0')) return 'the location contains a NUL character';
  if (/^([/\\]|[A-Za-z]:)/.test(location)) return "absolute paths are refused; the file must lie in the model's folder";
  if (location.split(/[/\\]/).includes('..'))
    return "paths with '..' are refused; the file must lie in the model's folder";
  return undefined;
}

/** A decimal string as onnx.proto stores offset and length: digits only, at most 2^53 - 1. */
function byteCount(text: string): number | undefined {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The checked place of a tensor's bytes; `length` defaults to the size its dims and type need. */
export function externalDataRef(tensor: OnnxTensor): Result<ExternalDataRef> {
  const fail = (code: string, message: string): Result<ExternalDataRef> => ({
    ok: false,
    issues: [issue(code, tensor.name, message)],
  });
  const entry = (key: string): string | undefined => tensor.externalData?.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (location === undefined)
    return fail('external_data', "external_data has no 'location' entry, so the file holding the values is unknown");
  const problem = externalLocationProblem(location);
  if (problem) return fail('unsafe_location', `external data location '${location}': ${problem}`);
  const need = elementCount(tensor.dims) * (elementBytes(tensor.dataType) ?? 0);
  const offsetText = entry('offset') ?? '0';
  const offset = byteCount(offsetText);
  if (offset === undefined)
    return fail('external_data', `external data offset '${offsetText}' is not a whole number of bytes (0 to 2^53 - 1)`);
  const lengthText = entry('length') ?? String(need);
  const length = byteCount(lengthText);
  if (length === undefined)
    return fail('external_data', `external data length '${lengthText}' is not a whole number of bytes (0 to 2^53 - 1)`);
  if (length !== need)
    return fail(
      'data_length',
      `external data length is ${length} bytes, but dims [${tensor.dims.join(', ')}] of ${tensor.dataType} need ` +
        `${need}`,
    );
  return { ok: true, value: { tensor: tensor.name, location, offset, length } };
}

/** The tensor with its bytes read through `read`, as if they had been stored in the model. */
export function withExternalData(tensor: OnnxTensor, read: ExternalDataReader): Result<OnnxTensor> {
  const ref = externalDataRef(tensor);
  if (!ref.ok) return ref;
  const bytes = read(ref.value);
  if (!bytes.ok) return bytes;
  if (bytes.value.length !== ref.value.length) {
    return {
      ok: false,
      issues: [
        issue(
          'data_length',
          tensor.name,
          `'${ref.value.location}' gave ${bytes.value.length} bytes at offset ${ref.value.offset}; the tensor ` +
            `needs ${ref.value.length}`,
        ),
      ],
    };
  }
  return { ok: true, value: { name: tensor.name, dataType: tensor.dataType, dims: tensor.dims, raw: bytes.value } };
}
