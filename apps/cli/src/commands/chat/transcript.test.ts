import type { ChatMessage, ChatQuestion } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { answerCommand, formatFrameJson, Transcript } from './transcript';

const at = '2026-01-01T00:00:00.000Z';
const base: ChatMessage = {
  id: 'msg_1',
  chat_id: 'chat_1',
  seq: 1,
  role: 'user',
  content: 'what fills /var?',
  tool_calls: [],
  tool_call_id: null,
  execution_id: null,
  author: { user_id: 'usr_1', key_id: 'key_1' },
  created_at: at,
};
const question: ChatQuestion = {
  type: 'x_ask_user.question',
  chat_id: 'chat_1',
  approval_id: 'apr_1',
  execution_id: 'exe_2',
  tool_call_id: 'call_2',
  tool: 'directory_purge',
  args: { path: 'tmp' },
  risk: 'irreversible',
  question: 'May I run directory_purge?',
  options: ['approve', 'reject'],
  confirm_required: true,
  expires_at: '2026-01-01T01:00:00.000Z',
};

describe('Transcript', () => {
  it('prints each role with its label, multi-line text indented, tool results named after their call', () => {
    const t = new Transcript('chat_1');
    expect(t.message(base)).toEqual(['user: what fills /var?']);
    const calls: ChatMessage = {
      ...base,
      role: 'assistant',
      author: null,
      content: 'Let me look.\n\nFirst the disk:\n',
      tool_calls: [
        { id: 'call_1', name: 'disk_usage', arguments: { path: '/var' }, execution_id: 'exe_1' },
        { id: 'call_9', name: 'file_delete', arguments: {}, execution_id: null },
      ],
    };
    expect(t.message(calls)).toEqual([
      'assistant: Let me look.',
      '',
      '  First the disk:',
      'assistant: calls disk_usage {"path":"/var"} (call call_1, execution exe_1)',
      'assistant: calls file_delete {} (call call_9, refused, no execution)',
    ]);
    const result: ChatMessage = {
      ...base,
      role: 'tool',
      author: null,
      content: '{"total": 3}\r\nsecond line',
      tool_call_id: 'call_1',
      execution_id: 'exe_1',
    };
    // Content that is not the server's result JSON is shown as it is.
    expect(t.message(result)).toEqual([
      'result of disk_usage (call call_1, exe_1): {"total": 3}',
      '  second line',
    ]);
    const completed = JSON.stringify({
      execution_id: 'exe_1',
      status: 'completed',
      exit_code: 0,
      stdout: '{\n  "total": 3\n}\n',
      stderr: 'slow disk\n',
      error: null,
    });
    expect(t.message({ ...result, content: completed })).toEqual([
      'result of disk_usage (call call_1, exe_1): completed, exit 0',
      '  {',
      '    "total": 3',
      '  }',
      '  stderr:',
      '    slow disk',
    ]);
    const refused = JSON.stringify({
      status: 'refused',
      error: { code: 'exec_tool_not_found', message: 'no agent' },
    });
    expect(t.message({ ...result, content: refused, execution_id: null })).toEqual([
      'result of disk_usage (call call_1): refused: no agent (exec_tool_not_found)',
    ]);
    const operator: ChatMessage = {
      ...calls,
      content: null,
      author: { user_id: 'usr_7', key_id: null },
      tool_calls: [calls.tool_calls[0]!],
    };
    expect(t.message(operator)).toEqual([
      'operator usr_7: calls disk_usage {"path":"/var"} (call call_1, execution exe_1)',
    ]);
    expect(new Transcript('chat_1').message({ ...result, tool_call_id: 'call_x' })[0]).toMatch(
      /^result of tool \(call call_x, exe_1\): /,
    );
    expect(t.message({ ...base, role: 'error', author: null, content: 'model unreachable' })).toEqual([
      'error: model unreachable',
    ]);
  });

  it('prints a question with its approval and the exact commands that answer it', () => {
    expect(new Transcript('chat_1').question(question)).toEqual([
      'question: May I run directory_purge?',
      '  approval apr_1: directory_purge {"path":"tmp"} (irreversible), execution exe_2, expires 2026-01-01T01:00:00.000Z',
      '  approve: xeroctl chat answer chat_1 apr_1 --approve --confirm directory_purge',
      '  reject:  xeroctl chat answer chat_1 apr_1 --reject --reason "…"',
    ]);
    expect(answerCommand('chat_1', { ...question, confirm_required: false }, 'approve')).toBe(
      'xeroctl chat answer chat_1 apr_1 --approve',
    );
  });

  it('turns stream frames into lines; connection and turn frames have none; JSON keeps the frame', () => {
    const t = new Transcript('chat_1');
    const frame = { type: 'chat.message' as const, chat_id: 'chat_1', message: base };
    expect(t.event({ event: 'chat.message', id: '4', data: frame })).toEqual(['user: what fills /var?']);
    expect(t.event({ event: 'x_ask_user.question', id: '5', data: question })).toHaveLength(4);
    const turn = { type: 'chat.turn' as const, chat_id: 'chat_1', turn_status: 'idle' as const, error: null };
    expect(t.event({ event: 'chat.turn', id: '6', data: turn })).toEqual([]);
    expect(JSON.parse(formatFrameJson({ event: 'chat.turn', id: '6', data: turn }))).toEqual({
      id: '6',
      event: 'chat.turn',
      data: turn,
    });
  });
});
