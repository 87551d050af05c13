/**
 * Lists the Mini Program's QR-code jump rules (getJumpQRCode) and adds one (addJumpQRCode) through
 * the cloud functions, with the typed client: the inputs are checked against the functions' own
 * schemas at compile time, the answers typed, an error answer shown with its hint.
 */
import { FunctionCallError } from '../../../../../clients/call-error';
import type { Answer } from '../../../../../clients/function-types';
import { createCloudClient } from '../../../../../clients/miniprogram';

type Rule = Answer<'getJumpQRCode'>['rule_list'][number];

const wxopen = createCloudClient();

function problem(error: unknown): string {
  if (error instanceof FunctionCallError) return `${error.errcode} ${error.answer.errmsg}: ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

Page({
  data: {
    rules: [] as Rule[],
    quota: 0,
    prefix: '',
    path: 'pages/index/index',
    busy: false,
    error: '',
  },

  onLoad() {
    void this.refresh();
  },

  onPrefix(event: WechatMiniprogram.Input) {
    this.setData({ prefix: event.detail.value.trim() });
  },

  onPath(event: WechatMiniprogram.Input) {
    this.setData({ path: event.detail.value.trim() });
  },

  async refresh() {
    this.setData({ busy: true, error: '' });
    try {
      const listed = await wxopen.call('getJumpQRCode', {});
      this.setData({ rules: listed.rule_list, quota: listed.qrcodejump_pub_quota });
    } catch (error) {
      this.setData({ error: problem(error) });
    } finally {
      this.setData({ busy: false });
    }
  },

  async add() {
    this.setData({ busy: true, error: '' });
    try {
      // Ordinary-link rule: don't occupy sub-rules (1), open the released version (3), add (is_edit 0).
      await wxopen.call('addJumpQRCode', { prefix: this.data.prefix, permit_sub_rule: 1, path: this.data.path, open_version: 3, is_edit: 0 });
      wx.showToast({ title: 'Rule added', icon: 'success' });
      this.setData({ prefix: '' });
    } catch (error) {
      this.setData({ error: problem(error) });
    } finally {
      this.setData({ busy: false });
    }
    await this.refresh();
  },
});
