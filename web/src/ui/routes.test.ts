import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes';

describe('parseRoute', () => {
  it('reads workspaces, invite links and everything else as home', () => {
    expect(parseRoute('/w/f5a55859-ef1a-533e-a356-7737f6868912', '')).toEqual({
      page: 'workspace',
      workspaceId: 'f5a55859-ef1a-533e-a356-7737f6868912',
    });
    expect(parseRoute('/join', '#ph_abc_def')).toEqual({ page: 'join', invite: 'ph_abc_def' });
    expect(parseRoute('/join', '')).toEqual({ page: 'join', invite: null });
    expect(parseRoute('/invite', '#phm_abc_def')).toEqual({ page: 'invite', invite: 'phm_abc_def' });
    expect(parseRoute('/invite', '')).toEqual({ page: 'invite', invite: null });
    expect(parseRoute('/w/abc/members', '')).toEqual({ page: 'members', workspaceId: 'abc' });
    expect(parseRoute('/w/roskilde-bibliotekerne/portfolio', '')).toEqual({ page: 'portfolio', workspaceId: 'roskilde-bibliotekerne' });
    expect(parseRoute('/w/abc/portfolio/', '')).toEqual({ page: 'portfolio', workspaceId: 'abc' });
    expect(parseRoute('/w/abc/audit', '')).toEqual({ page: 'audit', workspaceId: 'abc' });
    expect(parseRoute('/w/abc/audit/print', '')).toEqual({ page: 'auditPrint', workspaceId: 'abc', entity: null });
    expect(parseRoute('/w/abc/audit/print', '#e1')).toEqual({ page: 'auditPrint', workspaceId: 'abc', entity: 'e1' });
    expect(parseRoute('/w/roskilde-bibliotekerne', '')).toEqual({ page: 'workspace', workspaceId: 'roskilde-bibliotekerne' });
    expect(parseRoute('/account', '')).toEqual({ page: 'account' });
    expect(parseRoute('/', '')).toEqual({ page: 'home' });
    expect(parseRoute('/somewhere/else', '')).toEqual({ page: 'home' });
  });

  it('reads workshop boards, a board and its summary', () => {
    expect(parseRoute('/w/abc/boards', '')).toEqual({ page: 'boards', workspaceId: 'abc' });
    expect(parseRoute('/w/abc/boards/b1', '')).toEqual({ page: 'board', workspaceId: 'abc', boardId: 'b1' });
    expect(parseRoute('/w/abc/boards/b1/summary/', '')).toEqual({ page: 'boardSummary', workspaceId: 'abc', boardId: 'b1' });
    expect(parseRoute('/w/abc/boards/b1/other', '')).toEqual({ page: 'home' });
  });

  it('reads the assets page and the public assets page', () => {
    expect(parseRoute('/w/abc/assets', '')).toEqual({ page: 'assets', workspaceId: 'abc' });
    expect(parseRoute('/w/abc/assets/', '')).toEqual({ page: 'assets', workspaceId: 'abc' });
    expect(parseRoute('/vi-kan', '#pha_a_b_c')).toEqual({ page: 'publicAssets', token: 'pha_a_b_c' });
    expect(parseRoute('/vi-kan', '')).toEqual({ page: 'publicAssets', token: null });
    expect(parseRoute('/w/abc/assets/x', '')).toEqual({ page: 'home' });
  });

  it('reads the partnerships and a partnership file', () => {
    expect(parseRoute('/w/abc/partnerships', '')).toEqual({ page: 'partnerships', workspaceId: 'abc' });
    expect(parseRoute('/w/abc/partnerships/p1/', '')).toEqual({ page: 'partnership', workspaceId: 'abc', partnershipId: 'p1' });
    expect(parseRoute('/w/abc/partnerships/p1/other', '')).toEqual({ page: 'home' });
    expect(parseRoute('/w/abc/partnerships/%E0%A4%A', '')).toEqual({ page: 'home' });
  });

  it('does not throw on a broken escape in the address', () => {
    expect(parseRoute('/w/%E0%A4%A', '')).toEqual({ page: 'home' });
  });
});
