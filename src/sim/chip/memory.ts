/**
 * Byte-addressed memories allocated lazily in 64 KiB pages (an 8 GiB DDR or a 128 MiB CMEM costs only
 * what a program touches), with element access in any number format, little-endian.
 */
import { NUMBER_FORMATS, type NumberFormatName } from '../../core/number-formats.js';

const PAGE_BITS = 16;
const PAGE_BYTES = 1 << PAGE_BITS;

/** Decoding tables for the 8- and 16-bit float formats (bit pattern -> value). */
const decodeTables = new Map<NumberFormatName, Float64Array>();
function decodeTable(format: NumberFormatName): Float64Array {
  let table = decodeTables.get(format);
  if (!table) {
    const info = NUMBER_FORMATS[format];
    table = Float64Array.from({ length: 2 ** info.bits }, (_, bits) => info.decode(bits));
    decodeTables.set(format, table);
  }
  return table;
}

export class Memory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly name: string) {}

  private page(index: number, create: boolean): Uint8Array | undefined {
    let page = this.pages.get(index);
    if (!page && create) {
      page = new Uint8Array(PAGE_BYTES);
      this.pages.set(index, page);
    }
    return page;
  }

  readBytes(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = address + done;
      const offset = at & (PAGE_BYTES - 1);
      const n = Math.min(length - done, PAGE_BYTES - offset);
      const page = this.page(Math.floor(at / PAGE_BYTES), false);
      if (page) out.set(page.subarray(offset, offset + n), done);
      done += n;
    }
    return out;
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = address + done;
      const offset = at & (PAGE_BYTES - 1);
      const n = Math.min(bytes.length - done, PAGE_BYTES - offset);
      this.page(Math.floor(at / PAGE_BYTES), true)!.set(bytes.subarray(done, done + n), offset);
      done += n;
    }
  }

  /** `count` elements of `format` starting at `address`, as values. */
  readElements(address: number, count: number, format: NumberFormatName): Float64Array {
    const bytes = NUMBER_FORMATS[format].bytes;
    const raw = this.readBytes(address, count * bytes);
    const view = new DataView(raw.buffer);
    const out = new Float64Array(count);
    switch (format) {
      case 'int8':
        for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
        break;
      case 'uint8':
        for (let i = 0; i < count; i++) out[i] = raw[i]!;
        break;
      case 'int16':
        for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
        break;
      case 'int32':
        for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
        break;
      case 'fp32':
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
        break;
      default: {
        const table = decodeTable(format);
        if (bytes === 1) for (let i = 0; i < count; i++) out[i] = table[raw[i]!]!;
        else for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, true)]!;
      }
    }
    return out;
  }

  /** Writes values already representable in `format` (callers round or saturate first). */
  writeElements(address: number, values: ArrayLike<number>, format: NumberFormatName): void {
    const info = NUMBER_FORMATS[format];
    const raw = new Uint8Array(values.length * info.bytes);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      switch (format) {
        case 'int8':
          view.setInt8(i, v);
          break;
        case 'uint8':
          view.setUint8(i, v);
          break;
        case 'int16':
          view.setInt16(2 * i, v, true);
          break;
        case 'int32':
          view.setInt32(4 * i, v, true);
          break;
        case 'fp32':
          view.setFloat32(4 * i, v, true);
          break;
        default:
          if (info.bytes === 1) view.setUint8(i, info.encode(v));
          else view.setUint16(2 * i, info.encode(v), true);
      }
    }
    this.writeBytes(address, raw);
  }

  /** Pages touched, for reports. */
  get residentBytes(): number {
    return this.pages.size * PAGE_BYTES;
  }
}
