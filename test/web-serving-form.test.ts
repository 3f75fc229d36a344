/** The Serving page's form logic (web/src/pages/serving-form.ts) without a browser: fields, problems, requests. */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, servingFields, servingProblems, servingRequests } from '../web/src/pages/serving-form.js';

const choices = {
  models: ['llama3-8b'],
  chips: ['h100-sxm'],
  weightDtypes: ['fp8'],
  activationDtypes: ['fp8'],
  kvDtypes: ['fp8'],
  shapes: [{ name: 'chat' }],
  schedulers: ['static', 'continuous', 'chunked'],
} as unknown as Parameters<typeof servingProblems>[2];

describe('Serving page form', () => {
  it('names the field, the value and the limit of a bad entry, and stops both requests on it', () => {
    const params = { ...DEFAULTS, chips: '0' };
    const fields = servingFields(params);
    expect(fields.chips.problem).toBe("chips must be a whole number from 1 to 1,048,576, got '0'");
    expect(servingProblems(params, fields, choices)).toEqual({
      inferProblem: fields.chips.problem,
      sloProblem: fields.chips.problem,
    });
  });

  it('an SLO problem stops only the capacity search', () => {
    const params = { ...DEFAULTS, tpot: '-5' };
    const p = servingProblems(params, servingFields(params), choices);
    expect(p.inferProblem).toBeUndefined();
    expect(p.sloProblem).toBe("TPOT SLO must be a number of milliseconds above 0 and at most 86,400,000, got '-5'");
  });

  it('asks for draft tokens and acceptance together, as infer does', () => {
    const params = { ...DEFAULTS, draft: '4' };
    expect(servingProblems(params, servingFields(params), choices).inferProblem).toBe(
      "draft tokens and acceptance go together: give both or neither, got draft tokens '4' and acceptance ''",
    );
  });

  it('builds the requests from the fields: defaults left out, techniques only when set', () => {
    expect(servingRequests(DEFAULTS, servingFields(DEFAULTS), false)).toEqual({});
    const params = { ...DEFAULTS, kvdtype: 'fp8', draft: '4', acceptance: '0.8', tbt: '100' };
    const { args, capacityArgs } = servingRequests(params, servingFields(params), true);
    expect(args).toEqual({
      model: 'llama3-8b',
      chip: 'h100-sxm',
      chips: 1,
      batch: 1,
      prompt: 1024,
      output: 256,
      quantization: { kvDtype: 'fp8' },
      speculative: { draftTokens: 4, acceptance: 0.8 },
      scheduler: 'chunked',
    });
    expect(capacityArgs).toEqual({
      ...args,
      batch: 1,
      slo: { ttftS: 2, tpotS: 0.05, tbtS: 0.1, percentile: 99 },
      requests: 1000,
      seed: 1,
    });
  });
});
