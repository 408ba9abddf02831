import { describe, expect, it } from 'vitest';
import { baseMode, capMode, modeFor } from '../../src/core/policy';
import { readTrust } from '../../src/core/trust';

function trustOf(fm: Record<string, unknown>) {
  return readTrust('Domain.md', fm).trust;
}

describe('mode table (DESIGN §1), first match wins', () => {
  it('row 1: critical: true → assist, whatever else holds', () => {
    for (const confidence of ['low', 'medium', 'high', undefined, 'bogus']) {
      const trust = trustOf({ critical: true, confidence, 'signed-off': '2026-01-01' });
      expect(baseMode({ trust, freshSignOff: true })).toEqual({ mode: 'assist', reason: 'critical' });
    }
  });

  it('row 2: an invalid trust value → propose (fail safe)', () => {
    for (const fm of [
      { confidence: 'very high' },
      { confidence: 'high', critical: 'maybe', 'signed-off': '2026-01-01' },
      { confidence: 'high', autonomy: 'everything', 'signed-off': '2026-01-01' },
      { confidence: 'high', 'signed-off': '2026-02-30' },
      { confidence: 'high', 'signed-off': '2026-01-01', 'signed-off-distillate': 'md5:abc' },
    ]) {
      const trust = trustOf(fm);
      expect(trust.invalid.length).toBeGreaterThan(0);
      expect(modeFor({ trust, freshSignOff: true })).toBe('propose');
    }
  });

  it('row 3: confidence missing or low → propose', () => {
    expect(modeFor({ trust: trustOf({}), freshSignOff: false })).toBe('propose');
    expect(modeFor({ trust: trustOf({ confidence: 'low' }), freshSignOff: false })).toBe('propose');
    expect(modeFor({ trust: trustOf({ confidence: 'LOW', 'signed-off': '2026-01-01' }), freshSignOff: true })).toBe('propose');
  });

  it('row 4: confidence medium → assist', () => {
    expect(baseMode({ trust: trustOf({ confidence: 'Medium' }), freshSignOff: true })).toEqual({ mode: 'assist', reason: 'medium-confidence' });
  });

  it('row 5: confidence high, not signed off or stale → assist', () => {
    expect(baseMode({ trust: trustOf({ confidence: 'high' }), freshSignOff: false })).toEqual({ mode: 'assist', reason: 'not-signed-off' });
    expect(baseMode({ trust: trustOf({ confidence: 'high', 'signed-off': '2026-01-01' }), freshSignOff: false })).toEqual({
      mode: 'assist',
      reason: 'stale-sign-off',
    });
  });

  it('row 6: confidence high and a fresh sign-off → automate', () => {
    expect(modeFor({ trust: trustOf({ confidence: 'HIGH', 'signed-off': '2026-01-01' }), freshSignOff: true })).toBe('automate');
  });

  it('autonomy lowers the mode, never raises it', () => {
    const signed = { confidence: 'high', 'signed-off': '2026-01-01' };
    expect(modeFor({ trust: trustOf({ ...signed, autonomy: 'assist' }), freshSignOff: true })).toBe('assist');
    expect(modeFor({ trust: trustOf({ ...signed, autonomy: 'Propose' }), freshSignOff: true })).toBe('propose');
    expect(modeFor({ trust: trustOf({ confidence: 'low', autonomy: 'automate' }), freshSignOff: false })).toBe('propose');
    expect(modeFor({ trust: trustOf({ confidence: 'medium', autonomy: 'automate' }), freshSignOff: false })).toBe('assist');
    expect(capMode('assist', null)).toBe('assist');
  });
});

describe('trust values', () => {
  it('are case-insensitive and accept YAML booleans or strings for critical', () => {
    const { trust, problems } = readTrust('D.md', { confidence: ' High ', critical: 'TRUE', autonomy: 'Assist', 'signed-off-distillate': 'SHA256:ABCDEF012345' });
    expect(problems).toEqual([]);
    expect(trust).toMatchObject({ confidence: 'high', critical: true, autonomy: 'assist', signedOffDistillate: 'sha256:abcdef012345' });
  });

  it('name the file, the key and the allowed values in each problem', () => {
    const { problems } = readTrust('Areas/K8s.md', { confidence: 'sure', critical: 3 });
    expect(problems).toEqual([
      { path: 'Areas/K8s.md', message: 'confidence: "sure" is not valid; use low, medium or high' },
      { path: 'Areas/K8s.md', message: 'critical: 3 is not valid; use true or false' },
    ]);
  });

  it('treat an empty property as unset', () => {
    const { trust, problems } = readTrust('D.md', { confidence: null, 'signed-off': '' });
    expect(problems).toEqual([]);
    expect(trust.confidence).toBeNull();
    expect(trust.signedOff).toBeNull();
  });

  it('accept a Date for signed-off (YAML 1.1 timestamps) and refuse impossible dates', () => {
    expect(readTrust('D.md', { 'signed-off': new Date('2026-03-04T00:00:00Z') }).trust.signedOff).toBe('2026-03-04');
    expect(readTrust('D.md', { 'signed-off': '2026-13-01' }).trust.invalid).toEqual(['signed-off']);
  });
});
