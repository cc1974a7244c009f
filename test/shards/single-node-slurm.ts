// A real single-node Slurm for the tests: munged (started if not running), slurmctld and slurmd
// from Debian's slurm-wlm with a private configuration on loopback ports, torn down afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Slurm {
  conf: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const sh = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Starts Slurm, or returns why it cannot run on this machine. */
export function startSlurm(dir: string): Slurm | { reason: string } {
  for (const bin of ['slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'munged', 'munge']) {
    if (sh('which', [bin]).status !== 0) return { reason: `${bin} is not installed (Debian packages slurm-wlm and munge)` };
  }
  if (process.getuid?.() !== 0) return { reason: 'starting slurmd needs root' };
  if (sh('munge', ['-n']).status !== 0) {
    for (const d of ['/run/munge', '/var/log/munge', '/var/lib/munge']) mkdirSync(d, { recursive: true });
    sh('chown', ['-R', 'munge:munge', '/run/munge', '/var/log/munge', '/var/lib/munge', '/etc/munge']);
    const m = sh('runuser', ['-u', 'munge', '--', 'munged']);
    if (m.status !== 0) return { reason: `munged did not start: ${m.stderr.trim()}` };
    for (let i = 0; i < 50 && sh('munge', ['-n']).status !== 0; i++) sleep(100);
    if (sh('munge', ['-n']).status !== 0) return { reason: 'munged started but does not answer' };
  }
  const port = 20_000 + (process.pid % 20_000);
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(join(dir, 'spool'), { recursive: true });
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=viommulab',
      'SlurmctldHost=localhost',
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      'AuthType=auth/munge',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'NodeName=localhost CPUs=2 State=UNKNOWN',
      'PartitionName=lab Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const stop = (): void => {
    for (const pidFile of ['slurmd.pid', 'slurmctld.pid']) {
      const f = join(dir, pidFile);
      if (existsSync(f)) sh('kill', [readFileSync(f, 'utf8').trim()]);
    }
  };
  const ctl = sh('slurmctld', ['-f', conf, '-i'], env);
  if (ctl.status !== 0) return { reason: `slurmctld did not start: ${ctl.stderr.trim()}` };
  const d = sh('slurmd', ['-f', conf], env);
  if (d.status !== 0) {
    stop();
    return { reason: `slurmd did not start: ${d.stderr.trim()}` };
  }
  for (let i = 0; i < 100; i++) {
    const info = sh('sinfo', ['-h', '-o', '%T'], env);
    if (info.status === 0 && /idle/.test(info.stdout)) return { conf, env, stop };
    sleep(300);
  }
  const log = existsSync(join(dir, 'slurmd.log')) ? readFileSync(join(dir, 'slurmd.log'), 'utf8').split('\n').slice(-5).join(' | ') : '';
  stop();
  return { reason: `the Slurm node never became idle (${log})` };
}
