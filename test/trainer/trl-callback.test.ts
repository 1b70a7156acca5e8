
describe('scripts/gpu-trl-callback.sh --dry-run (the GPU script on the CPU, toy sizes)', () => {
  it('runs both rows (GPT-2, Llama with LoRA) with and without the callback and writes the GPU file format', () => {
    const out = join(dir, 'gpu-dry.json');
    const r = spawnSync('bash', ['scripts/gpu-trl-callback.sh', '--dry-run', '--out', out], { encoding: 'utf8', env: { ...process.env, PYTHON: HF_PYTHON }, timeout: 600_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.schema).toBe('marginlab/bench-trl-callback@1');
    expect(doc.machine.description).toMatch(/^dry run on the CPU/);
    expect(doc.rows.map((x: { name: string }) => x.name)).toEqual(['gpt2-toy', 'llama-toy-lora']);
    for (const x of doc.rows) {
      expect(x.plain_step_s).toBeGreaterThan(0);
      expect(x.callback_step_s).toBeGreaterThan(0);
      expect(x.target).toBe(1.25);
    }
    expect(doc.rows[1].trained_params).toBeLessThan(doc.rows[1].params); // LoRA: adapters only
  }, 600_000);

  it('an unknown argument is a coded usage error, exit 2', () => {
    const r = spawnSync('bash', ['scripts/gpu-trl-callback.sh', '--gpu'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^E_USAGE: unknown argument '--gpu'/);
  });
});
