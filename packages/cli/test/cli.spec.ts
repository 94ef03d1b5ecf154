import { describe, expect, it } from 'vitest';
import { HELP } from '../src/help.js';
import { rampart, REPO_ROOT } from './helpers.js';

describe('rampart (dispatch, help, exit codes)', () => {
  it('prints the overview and exits 2 without a command, 0 with --help', async () => {
    const bare = await rampart([], REPO_ROOT);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('Usage: rampart <command>');
    const help = await rampart(['--help'], REPO_ROOT);
    expect(help.code).toBe(0);
    expect(help.out).toContain('new service <name>');
  });

  it('prints each command\'s help with --help and with "help <command>"', async () => {
    for (const topic of ['new', 'certs', 'token', 'routes', 'generate']) {
      const run = await rampart([topic, '--help'], REPO_ROOT);
      expect(run.code, topic).toBe(0);
      expect(run.out).toBe(`${HELP[topic]}\n`);
      expect((await rampart(['help', topic], REPO_ROOT)).out).toBe(`${HELP[topic]}\n`);
    }
  });

  it('prints its version', async () => {
    const run = await rampart(['--version'], REPO_ROOT);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['deploy'], 'unknown command "deploy"', 'main'],
    [['new'], 'say what to create', 'new'],
    [['new', 'project', 'x'], 'only "service"', 'new'],
    [['new', 'service'], 'needs a <name>', 'new'],
    [['new', 'service', 'Payments'], 'invalid service name', 'new'],
    [['new', 'service', 'pay_ments'], 'invalid service name', 'new'],
    [['new', 'service', 'payments', 'extra'], 'unexpected argument "extra"', 'new'],
    [['new', 'service', 'payments', '--kinds', 'unary,rest'], 'unknown call kind "rest"', 'new'],
    [['new', 'service', 'payments', '--kinds', 'unary,unary'], 'twice', 'new'],
    [['new', 'service', 'payments', '--package', 'Acme.Payments'], 'invalid proto package', 'new'],
    [['new', 'service', 'payments', '--trust-domain', 'Bad Domain'], 'invalid trust domain', 'new'],
    [['new', 'service', 'payments', '--standalone', 'x', '--root', 'y'], 'not both', 'new'],
    [['new', 'service', 'payments', '--frobnicate'], "Unknown option '--frobnicate'", 'new'],
    [['certs'], 'certs needs an action', 'certs'],
    [['certs', 'renew'], 'unknown certs action "renew"', 'certs'],
    [['certs', 'issue'], 'needs a SPIFFE ID', 'certs'],
    [['certs', 'issue', 'https://demo.rampart.dev/x'], 'invalid SPIFFE ID', 'certs'],
    [['certs', 'issue', 'spiffe://demo.rampart.dev/x', '--hours', 'soon'], '--hours', 'certs'],
    [['certs', 'show'], 'needs a PEM file', 'certs'],
    [['certs', 'show', 'a.pem', 'b.pem'], 'unexpected argument "b.pem"', 'certs'],
    [['token'], 'token needs an action', 'token'],
    [['token', 'mint'], 'needs --aud', 'token'],
    [['token', 'mint', '--aud', 'a'], 'needs --scope', 'token'],
    [['token', 'mint', '--aud', 'a', '--scope', 'x', '--ttl', '0'], '--ttl', 'token'],
    [['token', 'mint', '--aud', 'a', '--scope', 'x', '--issuer', 'not a url'], '--issuer', 'token'],
    [['routes', '--format', 'xml'], 'unknown format "xml"', 'routes'],
    [['routes', 'inventory'], 'unexpected argument "inventory"', 'routes'],
    [['generate', '--all'], "Unknown option '--all'", 'generate'],
  ])('refuses %j with exit 2 and the usage', async (argv, message, topic) => {
    const run = await rampart(argv, REPO_ROOT);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(run.err).toContain(HELP[topic]!.split('\n')[0]);
    expect(run.out).toBe('');
  });
});
