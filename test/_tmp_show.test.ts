import { it } from 'vitest';
import { synthesize } from '../lib/synth';
import { fixtureInputs } from './fixture-repo';
it('show', async () => {
  const i = await fixtureInputs('audit');
  const f = synthesize(i.entries, i.platform, { groups: i.groups }).files;
  console.log(f.get('platform/audit/readers.json'));
  console.log(f.get('platform/audit/read-gateway.conf'));
  console.log(f.get('platform/audit/README.md')!.split('## 4.')[1]);
});
