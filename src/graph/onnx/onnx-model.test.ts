import { describe, expect, it } from 'vitest';
import { formatIssues, type Result } from '../../core/errors.js';
import {
  decodeOnnx,
  encodeOnnx,
  makeTensor,
  tensorValues,
  type OnnxDataType,
  type OnnxGraph,
  type OnnxModel,
  type OnnxTensor,
} from './onnx-model.js';

// Bytes are written here by hand, field by field from onnx.proto, independently of protobuf.ts, so a wrong
// field number in the codec shows up as a mismatch. A tag byte is (field number << 3) | wire type.
type Part = number | string | Uint8Array | readonly Part[];

function flatten(part: Part, out: number[]): number[] {
  if (typeof part === 'number') out.push(part);
  else if (typeof part === 'string') for (const ch of part) out.push(ch.charCodeAt(0));
  else for (const p of part) flatten(p, out);
  return out;
}

const bytes = (...parts: Part[]): Uint8Array => new Uint8Array(flatten(parts, []));

/** Unsigned varint of a non-negative integer below 2^53. */
function varint(x: number): number[] {
  const out: number[] = [];
  for (; x > 0x7f; x = Math.floor(x / 128)) out.push((x % 128) | 0x80);
  out.push(x);
  return out;
}

/** A length-delimited field: tag, length, content. */
function ld(tag: Part, ...content: Part[]): number[] {
  const body = flatten(content, []);
  return [...flatten(tag, []), ...varint(body.length), ...body];
}

/** Tag of any field number and wire type, for fields numbered 16 and up. */
const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);

const TEN_BYTE_MINUS_ONE = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];

/**
 * ValueInfoProto { name (1), type (2): TypeProto { tensor_type (1): { elem_type (1) = FLOAT, shape (2): [N, 4] } } }
 */
const floatInfo = (name: string): number[] => [
  ...ld(0x0a, name),
  ...ld(0x12, ld(0x0a, 0x08, 0x01, ld(0x12, ld(0x0a, ld(0x12, 'N')), ld(0x0a, 0x08, 0x04)))),
];

/** A single Relu node; with `extra` (unknown fields) spliced into ModelProto and NodeProto. */
function reluModelBytes(extra: Part = []): Uint8Array {
  return bytes(
    [0x08, 0x08], //                          ModelProto.ir_version (1, varint) = 8
    ld(0x12, 'hand'), //                      ModelProto.producer_name (2)
    extra,
    ld(
      0x3a, //                                ModelProto.graph (7)
      // node (1): input, output, name, op_type (4)
      ld(0x0a, ld(0x0a, 'x'), ld(0x12, 'y'), ld(0x1a, 'relu0'), extra, ld(0x22, 'Relu')),
      ld(0x12, 'tiny'), //                    GraphProto.name (2)
      ld(0x5a, floatInfo('x')), //            GraphProto.input (11)
      ld(0x62, floatInfo('y')), //            GraphProto.output (12)
    ),
    ld(0x42, 0x10, 0x0e), //                  ModelProto.opset_import (8): OperatorSetIdProto.version (2) = 14
  );
}

const RELU_MODEL: OnnxModel = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 14 }],
  producerName: 'hand',
  graph: {
    name: 'tiny',
    nodes: [{ name: 'relu0', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] }],
    initializers: [],
    inputs: [{ name: 'x', elemType: 'float', shape: ['N', 4] }],
    outputs: [{ name: 'y', elemType: 'float', shape: ['N', 4] }],
    valueInfo: [],
  },
};

function decoded(result: Result<OnnxModel>): OnnxModel {
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return result.value;
}

function problems(result: Result<unknown>): string {
  if (result.ok) throw new Error('expected issues');
  return formatIssues(result.issues);
}

function codes(result: Result<unknown>): string[] {
  return result.ok ? [] : result.issues.map((i) => i.code);
}

/** A model whose graph holds one node with the given attribute bytes (AttributeProto fields). */
function attributeModelBytes(...attributes: Part[]): Uint8Array {
  const node = ld(
    0x0a,
    ld(0x22, 'Hand'),
    attributes.map((a) => ld(0x2a, a)),
  ); // NodeProto.op_type (4), attribute (5)
  return bytes([0x08, 0x09], ld(0x3a, node), ld(0x42, 0x10, 0x11));
}

/** A model whose graph has one initializer made of these TensorProto fields. */
function initializerModelBytes(...tensorFields: Part[]): Uint8Array {
  return bytes([0x08, 0x09], ld(0x3a, ld(0x2a, tensorFields))); // ModelProto.graph (7): GraphProto.initializer (5)
}

function initializer(bytes: Uint8Array): OnnxTensor {
  return decoded(decodeOnnx(bytes)).graph.initializers[0]!;
}

function values(tensor: OnnxTensor): number[] {
  const result = tensorValues(tensor);
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return [...result.value];
}

const le32 = (x: number): number[] => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24];
const f32 = (x: number): number[] => [...new Uint8Array(new Float32Array([x]).buffer)];

describe('decodeOnnx on bytes written by hand', () => {
  it('reads a single-Relu model field by field, and encodeOnnx writes the same bytes', () => {
    const file = reluModelBytes();
    expect(decoded(decodeOnnx(file))).toEqual(RELU_MODEL);
    expect(encodeOnnx(RELU_MODEL)).toEqual(file);
  });

  it('reads attributes of every kind, negative ints as 10-byte varints, and writes them back byte for byte', () => {
    const type = (code: number): number[] => [0xa0, 0x01, code]; // AttributeProto.type (20, varint)
    const file = attributeModelBytes(
      [ld(0x0a, 'alpha'), 0x15, f32(0.5), type(1)], //                        f (2, fixed32)
      [ld(0x0a, 'axis'), 0x18, 0xfd, TEN_BYTE_MINUS_ONE.slice(1), type(2)], // i (3) = -3
      [ld(0x0a, 'mode'), ld(0x22, 'constant'), type(3)], //                   s (4)
      // t (5): TensorProto dims [2], INT64, raw_data [5, -2]
      [
        ld(0x0a, 'value'),
        ld(0x2a, 0x08, 0x02, 0x10, 0x07, ld(0x4a, [5, 0, 0, 0, 0, 0, 0, 0], [0xfe, ...TEN_BYTE_MINUS_ONE.slice(1, 8)])),
        type(4),
      ],
      [ld(0x0a, 'body'), ld(0x32, ld(0x12, 'sub')), type(5)], //              g (6): GraphProto.name
      [ld(0x0a, 'scales'), 0x3d, f32(1), 0x3d, f32(-2), type(6)], //          floats (7), unpacked as onnx writes them
      [ld(0x0a, 'axes'), 0x40, TEN_BYTE_MINUS_ONE, 0x40, 0x02, type(7)], //   ints (8) = [-1, 2]
      [ld(0x0a, 'names'), ld(0x4a, 'a'), ld(0x4a, 'bc'), type(8)], //         strings (9)
      [ld(0x0a, 'list'), ld(0x52, 0x10, 0x01, ld(0x4a, f32(3))), type(9)], // tensors (10): one FLOAT scalar
    );
    const model = decoded(decodeOnnx(file));
    const attributes = model.graph.nodes[0]!.attributes;
    const emptyGraph: OnnxGraph = { name: 'sub', nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [] };
    expect(attributes.map((a) => [a.name, a.type])).toEqual([
      ['alpha', 'float'],
      ['axis', 'int'],
      ['mode', 'string'],
      ['value', 'tensor'],
      ['body', 'graph'],
      ['scales', 'floats'],
      ['axes', 'ints'],
      ['names', 'strings'],
      ['list', 'tensors'],
    ]);
    expect([0, 1, 2, 5, 6, 7].map((i) => attributes[i]!.value)).toEqual([
      0.5,
      -3,
      'constant',
      [1, -2],
      [-1, 2],
      ['a', 'bc'],
    ]);
    expect(values(attributes[3]!.value as OnnxTensor)).toEqual([5, -2]);
    expect(attributes[4]!.value).toEqual(emptyGraph);
    expect(values((attributes[8]!.value as OnnxTensor[])[0]!)).toEqual([3]);
    expect(encodeOnnx(model)).toEqual(file);
  });

  it('infers the kind of an attribute without a type field (IR version 1)', () => {
    const model = decoded(decodeOnnx(attributeModelBytes([ld(0x0a, 'axes'), 0x40, 0x03])));
    expect(model.graph.nodes[0]!.attributes).toEqual([{ name: 'axes', type: 'ints', value: [3] }]);
  });

  it('reads repeated ints packed as well as unpacked', () => {
    const model = decoded(
      decodeOnnx(attributeModelBytes([ld(0x0a, 'axes'), ld(0x42, TEN_BYTE_MINUS_ONE, 0x05), [0xa0, 0x01, 0x07]])),
    );
    expect(model.graph.nodes[0]!.attributes[0]!.value).toEqual([-1, 5]);
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [
      tag(100, 0),
      0x96,
      0x01, //                  varint
      tag(101, 1),
      [1, 2, 3, 4, 5, 6, 7, 8], //    fixed64
      ld(tag(102, 2), 'skipped'), //               length-delimited
      tag(103, 5),
      [1, 2, 3, 4], //                fixed32
      tag(104, 3),
      0x08,
      0x01,
      tag(2, 3),
      ld(0x0a, 'x'),
      tag(2, 4),
      tag(104, 4), // a group holding a group
      ld(0x32, 'doc'), //                          field 6: doc_string in both ModelProto and NodeProto, not read
    ];
    expect(decoded(decodeOnnx(reluModelBytes(unknown)))).toEqual(RELU_MODEL);
  });

  it('reads unknown dimensions, a scalar shape, no shape and non-tensor types', () => {
    const infos = [
      ld(0x5a, ld(0x0a, 'a'), ld(0x12, ld(0x0a, 0x08, 0x07, ld(0x12, ld(0x0a), ld(0x0a, 0x08, 0x03))))), // int64 [?, 3]
      ld(0x5a, ld(0x0a, 'b'), ld(0x12, ld(0x0a, 0x08, 0x0a, ld(0x12)))), // float16 scalar
      ld(0x5a, ld(0x0a, 'c'), ld(0x12, ld(0x0a, 0x08, 0x09))), // bool, rank unknown
      ld(0x5a, ld(0x0a, 'd'), ld(0x12, ld(0x22, ld(0x0a)))), // sequence_type (4)
    ];
    const model = decoded(decodeOnnx(bytes([0x08, 0x09], ld(0x3a, infos))));
    expect(model.graph.inputs).toEqual([
      { name: 'a', elemType: 'int64', shape: [undefined, 3] },
      { name: 'b', elemType: 'float16', shape: [] },
      { name: 'c', elemType: 'bool' },
      { name: 'd', elemType: 'undefined' },
    ]);
  });
});

describe('tensors in typed fields', () => {
  const FLOAT = [0x10, 0x01]; // TensorProto.data_type (2) = FLOAT
  const dims = (...d: number[]): number[] => d.flatMap((x) => [0x08, ...varint(x)]); // dims (1), unpacked

  it('reads float_data packed and unpacked into the same raw bytes', () => {
    const elements = [1, 2.5, -3];
    // float_data (4), wire 2
    const packed = initializer(initializerModelBytes(dims(3), FLOAT, ld(0x22, elements.map(f32))));
    const unpacked = initializer(
      initializerModelBytes(
        dims(3),
        FLOAT,
        elements.map((x) => [0x25, f32(x)]),
      ),
    ); // wire 5
    expect(packed.raw).toEqual(new Uint8Array(elements.flatMap(f32)));
    expect(unpacked.raw).toEqual(packed.raw);
    expect(values(packed)).toEqual(elements);
  });

  it('reads int64_data packed and unpacked, keeping values beyond 32 bits', () => {
    const varints = [TEN_BYTE_MINUS_ONE, varint(2 ** 40 + 3), [0x07]];
    const INT64 = [0x10, 0x07];
    const packed = initializer(initializerModelBytes(dims(3), INT64, ld(0x3a, varints))); // int64_data (7), wire 2
    const unpacked = initializer(
      initializerModelBytes(
        dims(3),
        INT64,
        varints.map((v) => [0x38, v]),
      ),
    ); // wire 0
    expect(values(packed)).toEqual([-1, 2 ** 40 + 3, 7]);
    expect(unpacked.raw).toEqual(packed.raw);
    expect(packed.raw.length).toBe(24);
  });

  it('reads float16 bit patterns and negative int8 values from int32_data', () => {
    const half = initializer(
      initializerModelBytes(dims(3), [0x10, 0x0a], ld(0x2a, [0x3c00, 0xc000, 0x3800].map(varint))),
    ); // int32_data (5)
    expect(half.raw).toEqual(new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]));
    expect(values(half)).toEqual([1, -2, 0.5]);
    const int8 = initializer(initializerModelBytes(dims(2), [0x10, 0x03], ld(0x2a, TEN_BYTE_MINUS_ONE, 0x05)));
    expect(int8.raw).toEqual(new Uint8Array([0xff, 0x05]));
    expect(values(int8)).toEqual([-1, 5]);
  });

  it('reads double_data, and uint32 values from uint64_data', () => {
    const double = initializer(
      initializerModelBytes(dims(1), [0x10, 0x0b], ld(0x52, [...new Uint8Array(new Float64Array([0.1]).buffer)])),
    ); // double_data (10)
    expect(values(double)).toEqual([0.1]);
    // uint64_data (11)
    const uint32 = initializer(initializerModelBytes(dims(1), [0x10, 0x0c], ld(0x5a, varint(4_000_000_000))));
    expect(uint32.raw).toEqual(new Uint8Array(le32(4_000_000_000)));
    expect(values(uint32)).toEqual([4_000_000_000]);
  });

  it('reports data in two fields, or in the field of another type', () => {
    const both = decodeOnnx(initializerModelBytes(dims(1), FLOAT, ld(0x22, f32(1)), ld(0x4a, f32(1))));
    expect(problems(both)).toBe(
      "model.onnx: graph.initializer[0]: tensor '' stores its values in raw_data and float_data; ONNX allows one",
    );
    const wrong = decodeOnnx(initializerModelBytes(ld(0x42, 'w'), dims(1), [0x10, 0x07], ld(0x22, f32(1))));
    expect(problems(wrong)).toBe(
      "model.onnx: graph.initializer[0]: tensor 'w' stores int64 values in float_data; onnx.proto puts them in " +
        'int64_data or raw_data',
    );
  });

  it('keeps a large raw_data as a view of the file, not a copy', () => {
    const weights = makeTensor(
      'w',
      'float',
      [512, 512],
      Float32Array.from({ length: 512 * 512 }, (_, i) => i),
    );
    const model: OnnxModel = { ...RELU_MODEL, graph: { ...RELU_MODEL.graph, initializers: [weights] } };
    const file = encodeOnnx(model);
    const raw = decoded(decodeOnnx(file)).graph.initializers[0]!.raw;
    expect(raw.buffer).toBe(file.buffer);
    expect(raw.byteOffset).toBeGreaterThan(0);
    expect(Buffer.compare(raw, weights.raw)).toBe(0);
  });

  it('gives plain Uint8Array views when the input is a Node Buffer', () => {
    const file = Buffer.from(
      encodeOnnx({
        ...RELU_MODEL,
        graph: { ...RELU_MODEL.graph, initializers: [makeTensor('w', 'int8', [2], [1, -1])] },
      }),
    );
    const raw = decoded(decodeOnnx(file)).graph.initializers[0]!.raw;
    expect(raw.constructor).toBe(Uint8Array);
    expect(raw.buffer).toBe(file.buffer);
  });
});

/** One tensor of every type, values each type holds exactly. */
const TENSOR_VALUES: Readonly<Partial<Record<OnnxDataType, readonly number[]>>> = {
  float: [1.5, -2, 1.5 * 2 ** 40],
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [65535],
  int16: [-32768, 5],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 53) + 1, 2 ** 53 - 1, -1],
  bool: [1, 0, 1],
  float16: [1.5, -2, 65504],
  double: [0.1, -1e300],
  uint32: [2 ** 32 - 1],
  uint64: [2 ** 53 - 1, 0],
  bfloat16: [1.5, -2, 2 ** 100],
  float8e4m3fn: [448, -0.5],
  float8e5m2: [57344, 0.25],
};

function everyKindModel(): OnnxModel {
  const tensors = Object.entries(TENSOR_VALUES).map(([type, v]) =>
    makeTensor(`t_${type}`, type as OnnxDataType, [v.length], v),
  );
  const external: OnnxTensor = {
    name: 'big',
    dataType: 'float',
    dims: [1024, 1024],
    raw: new Uint8Array(0),
    externalData: [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: '4096' },
    ],
  };
  const body: OnnxGraph = {
    name: 'then',
    nodes: [
      {
        name: 'inner',
        opType: 'Identity',
        domain: '',
        inputs: ['a'],
        outputs: ['b'],
        attributes: [{ name: 'k', type: 'int', value: 0 }],
      },
    ],
    initializers: [],
    inputs: [],
    outputs: [{ name: 'b', elemType: 'float', shape: [] }],
    valueInfo: [],
  };
  const attributes = [
    { name: 'f', type: 'float', value: -1.25 },
    { name: 'zero', type: 'float', value: 0 },
    { name: 'i', type: 'int', value: -(2 ** 53) },
    { name: 'i0', type: 'int', value: 0 },
    { name: 's', type: 'string', value: 'ünïcode ✓' },
    { name: 'empty', type: 'string', value: '' },
    { name: 't', type: 'tensor', value: tensors[0]! },
    { name: 'g', type: 'graph', value: body },
    { name: 'fs', type: 'floats', value: [0.5, -0.25] },
    { name: 'is', type: 'ints', value: [-1, 0, 2 ** 53 - 1, 2 ** 63] },
    { name: 'ss', type: 'strings', value: ['a', '', 'c'] },
    { name: 'ts', type: 'tensors', value: tensors.slice(1, 3) },
  ] as const;
  return {
    irVersion: 10,
    opsetImports: [
      { domain: '', version: 21 },
      { domain: 'com.microsoft', version: 1 },
    ],
    producerName: 'tpusim test',
    graph: {
      name: 'main',
      nodes: [
        {
          name: 'n0',
          opType: 'Custom',
          domain: 'com.microsoft',
          inputs: ['x', '', 't_float'],
          outputs: ['y'],
          attributes,
        },
        { name: '', opType: 'Relu', domain: '', inputs: ['y'], outputs: ['z'], attributes: [] },
      ],
      initializers: [...tensors, external, makeTensor('', 'float', [0], [])],
      inputs: [{ name: 'x', elemType: 'float', shape: ['batch', 3, undefined, 224] }],
      outputs: [{ name: 'z', elemType: 'float16' }],
      valueInfo: [
        { name: 'y', elemType: 'undefined', shape: [1] },
        { name: 'w', elemType: 'undefined' },
      ],
    },
  };
}

describe('round trip', () => {
  it('decodes what it encodes, for every attribute kind and tensor type', () => {
    const model = everyKindModel();
    const file = encodeOnnx(model);
    expect(decoded(decodeOnnx(file))).toEqual(model);
    expect(encodeOnnx(decoded(decodeOnnx(file)))).toEqual(file);
  });

  it('gives every tensor type its values back', () => {
    for (const [type, v] of Object.entries(TENSOR_VALUES))
      expect([type, values(makeTensor('t', type as OnnxDataType, [v.length], v))]).toEqual([type, v]);
  });

  it('writes ints as int64 varints: -1 in 10 bytes, 2^63 (INT64_MAX read as a Number) as INT64_MAX', () => {
    const attribute = { name: 'is', type: 'ints', value: [-1, 2 ** 63] } as const;
    const model: OnnxModel = {
      ...RELU_MODEL,
      graph: { ...RELU_MODEL.graph, nodes: [{ ...RELU_MODEL.graph.nodes[0]!, attributes: [attribute] }] },
    };
    const file = encodeOnnx(model);
    const int64Max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    const attributeBytes = ld(0x2a, ld(0x0a, 'is'), 0x40, TEN_BYTE_MINUS_ONE, 0x40, int64Max, [0xa0, 0x01, 0x07]);
    expect(Buffer.from(file).includes(Buffer.from(attributeBytes))).toBe(true);
    expect(decoded(decodeOnnx(file)).graph.nodes[0]!.attributes[0]).toEqual(attribute);
  });
});

describe('errors', () => {
  /** A model of 20 Relu nodes named n0 ... n19. */
  function chain(): Uint8Array {
    const nodes = Array.from({ length: 20 }, (_, i) => ({
      name: `n${i}`,
      opType: 'Relu',
      domain: '',
      inputs: [`v${i}`],
      outputs: [`v${i + 1}`],
      attributes: [],
    }));
    return encodeOnnx({ ...RELU_MODEL, graph: { ...RELU_MODEL.graph, nodes } });
  }
  const indexOf = (file: Uint8Array, part: Part): number => Buffer.from(file).indexOf(Buffer.from(bytes(part)));

  it('reports an empty file and a message with no graph', () => {
    expect(problems(decodeOnnx(new Uint8Array(0)))).toBe('model.onnx: file is empty (0 bytes), not an ONNX model');
    expect(problems(decodeOnnx(bytes(0x08, 0x07), 'x.onnx'))).toBe(
      'x.onnx: not an ONNX model: the top-level message has no graph (ModelProto.graph, field 7)',
    );
  });

  it('says where a truncated file stops: between fields of a message', () => {
    const file = chain();
    const cut = indexOf(file, ld(0x1a, 'n17')) + 5; // after NodeProto.name of node 17
    expect(problems(decodeOnnx(file.subarray(0, cut)))).toBe(
      `model.onnx: truncated at byte ${cut} while reading GraphProto.node[17] (NodeProto), inside ModelProto.graph`,
    );
    expect(codes(decodeOnnx(file.subarray(0, cut)))).toEqual(['truncated']);
  });

  it('says where a truncated file stops: inside a field', () => {
    const file = chain();
    const cut = indexOf(file, ld(0x1a, 'n17')) + 7; // inside NodeProto.op_type 'Relu'
    expect(problems(decodeOnnx(file.subarray(0, cut)))).toBe(
      `model.onnx: truncated at byte ${cut} while reading NodeProto.op_type (string), inside ModelProto.graph.node[17]`,
    );
    const tensor = encodeOnnx({
      ...RELU_MODEL,
      graph: { ...RELU_MODEL.graph, initializers: [makeTensor('w', 'float', [4], [1, 2, 3, 4])] },
    });
    const inRaw = indexOf(tensor, [0x4a, 16]) + 6;
    expect(problems(decodeOnnx(tensor.subarray(0, inRaw)))).toBe(
      `model.onnx: truncated at byte ${inRaw} while reading TensorProto.raw_data (bytes), inside ` +
        `ModelProto.graph.initializer[0]`,
    );
    expect(problems(decodeOnnx(bytes(0x08, 0x80)))).toBe(
      'model.onnx: truncated at byte 2 while reading ModelProto.ir_version (int64)',
    );
  });

  it('reports a length that runs past the end of its message', () => {
    // ModelProto.graph at 0, GraphProto.node at 2, its NodeProto.input at 4 claims 50 bytes of a 3-byte node.
    const file = bytes(ld(0x3a, ld(0x0a, 0x0a, 0x32, 'x'), ld(0x12, 'graph name')));
    expect(problems(decodeOnnx(file))).toBe(
      'model.onnx: length 50 at byte 5 runs past the end of its message at byte 7 while reading ' +
        'NodeProto.input[0] (string), inside ModelProto.graph.node[0]',
    );
    expect(codes(decodeOnnx(file))).toEqual(['bad_length']);
  });

  it('reports a wrong wire type for a known field', () => {
    const file = bytes(ld(0x3a, ld(0x0a, 0x08, 0x01))); // NodeProto.input (1) as a varint
    expect(problems(decodeOnnx(file))).toBe(
      'model.onnx: wire type 0 (varint) instead of 2 (length-delimited) at byte 4 while reading ' +
        'NodeProto.input[0] (string), inside ModelProto.graph.node[0]',
    );
    expect(codes(decodeOnnx(bytes(0x0d, 0, 0, 0, 0)))).toEqual(['wrong_wire_type']); // ir_version as fixed32
  });

  it('reports a varint longer than 10 bytes, an invalid wire type, field number 0 and stray end-groups', () => {
    expect(problems(decodeOnnx(bytes(0x08, Array(10).fill(0x80), 0x01)))).toBe(
      'model.onnx: varint longer than 10 bytes at byte 1 while reading ModelProto.ir_version (int64)',
    );
    expect(problems(decodeOnnx(bytes(tag(15, 7))))).toBe(
      'model.onnx: invalid wire type 7 at byte 0 while reading ModelProto',
    );
    expect(problems(decodeOnnx(bytes(0x00)))).toBe(
      'model.onnx: invalid field number 0 at byte 0 while reading ModelProto',
    );
    expect(problems(decodeOnnx(bytes(tag(15, 4))))).toBe(
      'model.onnx: end-group without a start-group at byte 0 while reading ModelProto',
    );
    expect(codes(decodeOnnx(bytes(tag(15, 3), tag(16, 4))))).toEqual(['bad_wire_type']);
  });

  it('reports packed runs that do not hold whole values', () => {
    const floats = decodeOnnx(initializerModelBytes(0x08, 0x01, 0x10, 0x01, ld(0x22, [0, 0, 0x80])));
    expect(codes(floats)).toEqual(['bad_length']);
    const varints = decodeOnnx(initializerModelBytes(0x08, 0x01, 0x10, 0x07, ld(0x3a, [0x01, 0x80])));
    expect(problems(varints)).toMatch(
      new RegExp(
        '^model\\.onnx: packed run of 2 bytes at byte \\d+ ends inside a varint while ' +
          'reading TensorProto\\.int64_data\\[0\\] \\(int64\\)',
      ),
    );
  });

  it('reports unsupported data types, attribute types, sparse initializers and wrong data lengths, all at once', () => {
    const file = bytes(
      ld(
        0x3a,
        // AttributeProto.type = GRAPHS (10)
        ld(0x0a, ld(0x22, 'If'), ld(0x2a, ld(0x0a, 'branches'), [0xa0, 0x01, 0x0a])),
        ld(0x2a, ld(0x42, 'c'), 0x10, 0x0e), //                                        initializer of COMPLEX64 (14)
        ld(0x2a, ld(0x42, 'w'), 0x08, 0x02, 0x10, 0x01, ld(0x4a, [0, 0, 0])), //       FLOAT [2] in 3 bytes
        ld(0x7a, 0x08, 0x01), //                                                       sparse_initializer (15)
      ),
    );
    expect(problems(decodeOnnx(file)).split('\n')).toEqual([
      'model.onnx: graph: sparse initializers are not supported',
      "model.onnx: graph.node[0].attribute[0]: attribute 'branches' has type 10 (graphs), which is not supported",
      expect.stringMatching(
        new RegExp(
          '^model\\.onnx: graph\\.initializer\\[0\\]: data type 14 \\(complex64\\) is not ' +
            'supported \\(supported: undefined, float, ',
        ),
      ),
      "model.onnx: graph.initializer[1]: tensor 'w' has 3 bytes of data, but dims [2] of float need 8 (2 x 4 bytes)",
    ]);
  });

  it('reports graphs nested too deeply instead of overflowing the stack', () => {
    let graph: OnnxGraph = RELU_MODEL.graph;
    for (let i = 0; i < 60; i++) {
      const node = {
        name: '',
        opType: 'If',
        domain: '',
        inputs: [],
        outputs: [],
        attributes: [{ name: 'then_branch', type: 'graph', value: graph }],
      } as const;
      graph = { ...RELU_MODEL.graph, nodes: [node] };
    }
    expect(codes(decodeOnnx(encodeOnnx({ ...RELU_MODEL, graph })))).toEqual(['too_deep']);
  });
});

describe('tensorValues and makeTensor', () => {
  it('reports int64 values no Number holds exactly, external data and non-numeric types', () => {
    const big = initializer(initializerModelBytes(ld(0x42, 'big'), 0x08, 0x01, 0x10, 0x07, 0x38, varint(2 ** 53 + 2)));
    expect(problems(tensorValues(big))).toBe(
      'big: element 0 (about 9007199254740994) is beyond 2^53 - 1 in magnitude, so no Number holds it exactly',
    );
    const external: OnnxTensor = {
      name: 'w',
      dataType: 'float',
      dims: [1],
      raw: new Uint8Array(0),
      externalData: [{ key: 'location', value: 'w.bin' }],
    };
    expect(problems(tensorValues(external))).toBe("w: the values are stored outside the model, in 'w.bin'");
    expect(codes(tensorValues({ name: 's', dataType: 'string', dims: [0], raw: new Uint8Array(0) }))).toEqual([
      'unsupported_data_type',
    ]);
    expect(codes(tensorValues({ name: 'short', dataType: 'int32', dims: [2], raw: new Uint8Array(4) }))).toEqual([
      'data_length',
    ]);
  });

  it('rounds to the element type and refuses what it cannot store', () => {
    expect(values(makeTensor('h', 'float16', [2], [1 / 3, 1e6]))).toEqual([0.333251953125, Infinity]);
    expect(values(makeTensor('i', 'int8', [2], [200, -1.7]))).toEqual([-56, -1]);
    expect(() => makeTensor('s', 'string', [1], [1])).toThrow(RangeError);
    expect(() => makeTensor('n', 'float', [2, 2], [1, 2, 3])).toThrow('makeTensor: 3 values, but dims [2, 2] hold 4');
  });
});
