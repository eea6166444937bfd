import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { eventTypeList, metadataPair } from './webhook-flags';

describe('webhook flags', () => {
  it('--events takes exec.* names with or without the prefix, once each', () => {
    expect(eventTypeList('exec.completed, failed,completed')).toEqual(['exec.completed', 'exec.failed']);
    expect(eventTypeList('workspace_budget_exhausted')).toEqual(['exec.workspace_budget_exhausted']);
  });

  it('--events refuses unknown names and an empty list, naming the choices', () => {
    expect(() => eventTypeList('completed,exploded')).toThrow(InvalidArgumentError);
    expect(() => eventTypeList('completed,exploded')).toThrow(
      /unknown event type exec\.exploded; choose from exec\.dispatched/,
    );
    expect(() => eventTypeList(' , ')).toThrow(/at least one/);
  });

  it('--metadata collects key=value pairs; the value may contain "="', () => {
    expect(metadataPair('b=2=3', metadataPair('a=1'))).toEqual({ a: '1', b: '2=3' });
    expect(metadataPair('a=', undefined)).toEqual({ a: '' });
    expect(() => metadataPair('=x')).toThrow(/key=value/);
    expect(() => metadataPair('novalue')).toThrow(/key=value/);
  });
});
