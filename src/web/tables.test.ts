// Every table a person reads stacks into cards on a phone: each template's tables carry the
// stacking class and every data cell its column's heading, so none hides columns in a box that
// scrolls sideways (the browser journeys check the result at 360 px).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { srcDir } from './render.ts';

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? templates(full) : entry.endsWith('.njk') ? [full] : [];
  });
}

describe('tables on a phone', () => {
  const files = templates(srcDir).map((file) => ({ file: path.relative(srcDir, file), text: readFileSync(file, 'utf8') }));

  it('finds the templates with tables', () => {
    assert.ok(files.filter(({ text }) => text.includes('<table')).length >= 15);
  });

  it('stacks every table and labels every data cell with its column', () => {
    for (const { file, text } of files) {
      assert.ok(!text.includes('govukTable('), `${file}: write the table out, with data-label on its cells`);
      for (const table of text.match(/<table[\s\S]*?<\/table>/g) ?? []) {
        assert.match(table, /^<table class="govuk-table urtuu-table--stack">/, `${file}: a table without urtuu-table--stack`);
        for (const cell of table.match(/<td\b[^>]*>/g) ?? []) {
          if (cell.includes('colspan')) continue;
          // An actions column (its heading visually hidden) is labelled empty: its button names itself.
          assert.match(cell, /data-label="[^"]*"/, `${file}: ${cell}`);
        }
      }
      assert.ok(!text.includes('urtuu-table-wrap'), `${file}: a sideways-scrolling table box`);
    }
  });
});
