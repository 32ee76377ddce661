import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCsv } from '../../../runtimes/data/csv.js';
import { lightgbmAtof } from '../../../runtimes/data/lightgbm-atof.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain-atof-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const atof = (s: string) => {
  const b = Buffer.from(s);
  return lightgbmAtof(b, 0, b.length);
};

test("LightGBM's Common::Atof, rounding included", () => {
  // The LightGBM 4.6 CLI wrote feature_infos=[…:0.90535586667311763] for a file holding
  // 0.9053558666731177, whose nearest double is 0.90535586667311774.
  assert.equal(atof('0.9053558666731177'), 0.90535586667311763);
  assert.notEqual(Number('0.9053558666731177'), 0.90535586667311763);
  assert.equal(atof('-1.303157231604361'), -1.3031572316043609);
  assert.equal(atof('31.47'), 31.47);
  assert.equal(atof(' "2.5e3" '), 2500);
  assert.equal(atof('1E-2'), 0.01);
  assert.equal(atof('-.5'), -0.5);
  assert.equal(atof('inf'), 1e308);
  assert.equal(atof('-Infinity'), -1e308);
  // The exponent is cut to 308 and built as 1E50⁶ · 1E8, which rounds above 1e308.
  assert.equal(atof('1e400'), 1.0000000000000006e308);
  assert.ok(Number.isNaN(atof('abc')));
});

test('the CSV reader keeps doubles only when asked and only when some value is not its float32', async () => {
  writeFileSync(join(dir, 'exact.csv'), '1,0.5,2\n0,nan,-3.25\n');
  writeFileSync(join(dir, 'decimal.csv'), '1,0.5,2\n0,nan,31.47\n1,0.9053558666731177,1\n');
  assert.equal(
    (await readCsv(join(dir, 'exact.csv'), { header: false, keepDoubles: true })).doubles,
    undefined,
  );
  assert.equal((await readCsv(join(dir, 'decimal.csv'), { header: false })).doubles, undefined);
  const d = await readCsv(join(dir, 'decimal.csv'), { header: false, keepDoubles: true });
  assert.deepEqual(Array.from(d.doubles!), [0.5, 2, Number.NaN, 31.47, 0.90535586667311763, 1]);
  assert.deepEqual(Array.from(d.features), [
    0.5,
    2,
    Number.NaN,
    Math.fround(31.47),
    Math.fround(0.9053558666731177),
    1,
  ]);
});

test('fractions of every length divide by Common::Pow(10, n) as LightGBM builds it', () => {
  // Common::Pow, operation for operation (the reader keeps a table of it for short fractions).
  const pow = (base: number, power: number): number =>
    power === 0
      ? 1
      : power % 2 === 0
        ? pow(base * base, power / 2)
        : power % 3 === 0
          ? pow(base * base * base, power / 3)
          : base * pow(base, power - 1);
  for (let n = 1; n <= 80; n++) {
    const digits = Array.from({ length: n }, (_, i) => (i * 7 + 3) % 10).join('');
    let right = 0;
    for (const d of digits) right = Number(d) + right * 10;
    assert.equal(atof(`0.${digits}`), right / pow(10, n), `0.(${n} digits)`);
    assert.equal(atof(`4.${digits}`), 4 + right / pow(10, n), `4.(${n} digits)`);
  }
});
