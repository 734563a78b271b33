/** English and Chinese (the source article's language); every visible string of the page goes through here. */
import { isTickPayload, TEACHER_USER, type LaneFacts, type LaneName } from '../../servers/contract/demo-protocol.js';
import type { Message } from '../../servers/contract/message.js';
import { payloadText } from './format.js';

const EN = {
  'page.title': 'Can the server speak first?',
  'page.subtitle': 'The same messages through every lane — each request, byte and millisecond counted on the wire',
  'page.documentTitle': 'pushbench · classroom demo',
  'nav.handshake': 'Handshake',
  'projector.on': 'Projector view',
  'projector.off': 'Normal view',
  'keys.title': 'Keyboard',
  'keys.push': 'push the message',
  'keys.pause': 'pause or resume the ticker',
  'keys.block': 'block or unblock WebSocket',
  'keys.reset': 'reset every lane',
  'keys.lanes': 'show or hide lane 1 to {last}',
  'keys.handshake': 'to the handshake and back',
  'keys.projector': 'projector view (no control bar)',
  'keys.language': '中文 / English',
  'strip.push': 'push',
  'strip.pause': 'ticker',
  'strip.block': 'block WebSocket',
  'strip.reset': 'reset',
  'strip.lanes': 'lanes',
  'strip.handshake': 'handshake',
  'strip.projector': 'normal view',
  'strip.language': '中文',
  tick: 'tick {n}',
  'message.default': 'hello',
  'role.teacher': 'Teacher',
  'role.student': 'Student',
  'lang.switch': '中文',
  'push.label': 'Message',
  'push.placeholder': 'type a message',
  'push.everyone': 'to everyone',
  'push.to': 'to {user}',
  'push.button': 'Push',
  'push.sent': 'sent as #{seq}',
  'push.refused': '{status}: only the teacher can publish (the token is printed in the teacher’s terminal)',
  'push.failed': 'not sent (HTTP {status})',
  'ticker.label': 'Ticker',
  'ticker.off': 'off',
  'ticker.rate': '{rate} msg/s',
  'ticker.pause': 'Pause',
  'ticker.resume': 'Resume',
  'poll.label': 'Poll every',
  'delay.label': 'Network delay',
  'delay.value': '{ms} each way',
  'block.label': 'Block WebSocket',
  'reset.button': 'Reset',
  'lanes.label': 'Lanes',
  'token.placeholder': 'teacher token',
  'token.button': 'I am the teacher',
  'settings.refused': '{status}: changing settings needs the teacher token',
  'settings.failed': 'setting not changed (HTTP {status})',
  'fallback.sub.websocket': 'tries WebSocket first…',
  'fallback.sub.long-polling': 'WebSocket blocked → long polling, same messages',
  'counter.requests': 'Requests',
  'counter.empty': 'Nothing new',
  'counter.messages': 'Messages',
  'counter.bytesUp': 'Bytes ↑',
  'counter.bytesDown': 'Bytes ↓',
  'counter.bytesPerMessage': 'Bytes/msg',
  'counter.latency': 'Latency',
  'counter.p50': 'Median',
  'counter.state': 'Now',
  'state.idle': 'waiting',
  'state.asking': 'asking',
  'state.held': 'held',
  'state.open': 'open',
  'side.browser': 'Browser',
  'side.server': 'Server',
  'timeline.nothingNew': 'nothing new',
  'timeline.timeout': 'nothing new (timeout)',
  'timeline.held': 'held {elapsed}',
  'timeline.upgrade': 'GET Upgrade: websocket',
  'timeline.switching': '101 Switching Protocols',
  'timeline.stream': '200 text/event-stream',
  'timeline.refused': '✗ refused',
  'online.label': 'Online here',
  'online.line': '{label}: {users}',
  'online.none': 'nobody',
  'online.count': '{count} (names: teacher only)',
  'join.taken': '{status}: the name {user} is taken; pick another',
  'join.failed': '{status}: {error}',
  'handshake.title': 'The WebSocket handshake of this page',
  'handshake.none': 'No WebSocket handshake yet.',
  'handshake.request': 'Request, browser → server (as the server received it)',
  'handshake.response': 'Response, server → browser (as the server wrote it)',
  'handshake.derive': 'How Sec-WebSocket-Accept is derived from Sec-WebSocket-Key',
  'handshake.step.key': '1. The browser’s random key (16 bytes, base64)',
  'handshake.step.concat': '2. Key + the GUID fixed by RFC 6455',
  'handshake.step.sha1': '3. SHA-1 of that text (20 bytes)',
  'handshake.step.base64': '4. base64 of those bytes',
  'handshake.step.server': '5. What the server answered',
  'handshake.match': '✓ the same: the server really speaks WebSocket',
  'handshake.mismatch': '✗ different',
  'handshake.protocol': 'Subprotocol: the browser offered {offered}; the server chose {chosen}',
  'handshake.protocol.none': 'none',
  'handshake.extensions':
    'Extensions: the browser offered {offered}; the server accepted {accepted} (compression off, so frames show their real size)',
  'handshake.version': 'Version: {version}',
  'presence.title': 'Who is online (the server’s presence, per strategy)',
  'join.title': 'Join from your phone',
  'join.hint': 'Same Wi-Fi, then scan or type:',
  'join.pick': 'Pick a lane to join as one more client',
  'join.name': 'Your name',
  'join.start': 'Join',
  'php.pool': 'PHP-FPM workers',
  'php.busy': '{busy}/{seats} busy',
  'php.queue': 'queued: {n}',
  'php.seat.free': 'free',
  'php.seat.longPoll': 'long poll',
  'php.seat.page': 'page',
  'php.seat.publish': 'push',
  'php.seat.other': 'request',
  'php.page.button': 'Load a page',
  'php.page.waiting': 'waiting for a seat… {elapsed}',
  'php.page.loaded': 'page loaded in {ms}',
  'php.page.failed': 'page failed (HTTP {status})',
  'php.workers.label': 'PHP workers',
  'push.waiting': 'waiting for a PHP worker… {elapsed}',
} as const;

export type MessageKey = keyof typeof EN;

const ZH: Record<MessageKey, string> = {
  'page.title': '服务器能主动说话吗？',
  'page.subtitle': '同一批消息走过每条通道——每个请求、每个字节、每一毫秒都在线路上计数',
  'page.documentTitle': 'pushbench · 课堂演示',
  'nav.handshake': '握手',
  'projector.on': '投影视图',
  'projector.off': '普通视图',
  'keys.title': '键盘快捷键',
  'keys.push': '推送消息',
  'keys.pause': '暂停或继续自动发送',
  'keys.block': '阻断或恢复 WebSocket',
  'keys.reset': '重置所有通道',
  'keys.lanes': '显示或隐藏第 1 到 {last} 条通道',
  'keys.handshake': '跳到握手面板，再按返回',
  'keys.projector': '投影视图（隐藏控制栏）',
  'keys.language': '切换语言',
  'strip.push': '推送',
  'strip.pause': '自动发送',
  'strip.block': '阻断 WebSocket',
  'strip.reset': '重置',
  'strip.lanes': '通道',
  'strip.handshake': '握手',
  'strip.projector': '普通视图',
  'strip.language': 'English',
  tick: '滴答 {n}',
  'message.default': '你好',
  'role.teacher': '教师',
  'role.student': '学生',
  'lang.switch': 'English',
  'push.label': '消息',
  'push.placeholder': '输入一条消息',
  'push.everyone': '发给所有人',
  'push.to': '发给 {user}',
  'push.button': '推送',
  'push.sent': '已发送，编号 #{seq}',
  'push.refused': '{status}：只有教师可以发布（令牌打印在教师的终端里）',
  'push.failed': '未发送（HTTP {status}）',
  'ticker.label': '自动发送',
  'ticker.off': '关闭',
  'ticker.rate': '每秒 {rate} 条',
  'ticker.pause': '暂停',
  'ticker.resume': '继续',
  'poll.label': '轮询间隔',
  'delay.label': '网络延迟',
  'delay.value': '单程 {ms}',
  'block.label': '阻断 WebSocket',
  'reset.button': '重置',
  'lanes.label': '通道',
  'token.placeholder': '教师令牌',
  'token.button': '我是教师',
  'settings.refused': '{status}：修改设置需要教师令牌',
  'settings.failed': '设置未改变（HTTP {status}）',
  'fallback.sub.websocket': '先尝试 WebSocket……',
  'fallback.sub.long-polling': 'WebSocket 被阻断 → 改用长轮询，消息一条不少',
  'counter.requests': '请求数',
  'counter.empty': '没有新消息',
  'counter.messages': '消息数',
  'counter.bytesUp': '上行字节 ↑',
  'counter.bytesDown': '下行字节 ↓',
  'counter.bytesPerMessage': '每条消息字节',
  'counter.latency': '延迟（最近）',
  'counter.p50': '延迟中位数',
  'counter.state': '当前',
  'state.idle': '等待中',
  'state.asking': '询问中',
  'state.held': '挂起中',
  'state.open': '已连接',
  'side.browser': '浏览器',
  'side.server': '服务器',
  'timeline.nothingNew': '没有新消息',
  'timeline.timeout': '没有新消息（超时）',
  'timeline.held': '挂起 {elapsed}',
  'timeline.upgrade': 'GET Upgrade: websocket',
  'timeline.switching': '101 切换协议',
  'timeline.stream': '200 text/event-stream',
  'timeline.refused': '✗ 被拒绝',
  'online.label': '此通道在线',
  'online.line': '{label}：{users}',
  'online.none': '无人',
  'online.count': '{count} 人（名字只有教师可见）',
  'join.taken': '{status}：名字 {user} 已被占用，请换一个',
  'join.failed': '{status}：{error}',
  'handshake.title': '本页面的 WebSocket 握手',
  'handshake.none': '还没有 WebSocket 握手。',
  'handshake.request': '请求：浏览器 → 服务器（服务器收到的原样）',
  'handshake.response': '响应：服务器 → 浏览器（服务器写出的原样）',
  'handshake.derive': 'Sec-WebSocket-Accept 如何由 Sec-WebSocket-Key 算出',
  'handshake.step.key': '1. 浏览器随机生成的密钥（16 字节，base64）',
  'handshake.step.concat': '2. 密钥 + RFC 6455 规定的 GUID',
  'handshake.step.sha1': '3. 对这段文字做 SHA-1（20 字节）',
  'handshake.step.base64': '4. 把这些字节做 base64',
  'handshake.step.server': '5. 服务器的回答',
  'handshake.match': '✓ 一致：服务器确实懂 WebSocket',
  'handshake.mismatch': '✗ 不一致',
  'handshake.protocol': '子协议：浏览器提出 {offered}；服务器选择 {chosen}',
  'handshake.protocol.none': '无',
  'handshake.extensions': '扩展：浏览器提出 {offered}；服务器接受 {accepted}（不压缩，帧显示真实大小）',
  'handshake.version': '版本：{version}',
  'presence.title': '谁在线（服务器按策略记录的在线状态）',
  'join.title': '用手机加入',
  'join.hint': '连同一个 Wi-Fi，然后扫码或输入：',
  'join.pick': '选择一个通道，作为又一个客户端加入',
  'join.name': '你的名字',
  'join.start': '加入',
  'php.pool': 'PHP-FPM 工作进程',
  'php.busy': '{busy}/{seats} 忙',
  'php.queue': '排队：{n}',
  'php.seat.free': '空闲',
  'php.seat.longPoll': '长轮询',
  'php.seat.page': '页面',
  'php.seat.publish': '推送',
  'php.seat.other': '请求',
  'php.page.button': '加载一个页面',
  'php.page.waiting': '等待空座位…… {elapsed}',
  'php.page.loaded': '页面加载用时 {ms}',
  'php.page.failed': '页面加载失败（HTTP {status}）',
  'php.workers.label': 'PHP 工作进程',
  'push.waiting': '等待 PHP 工作进程…… {elapsed}',
};

export type Language = 'en' | 'zh';

/**
 * The line under each lane's title, in both languages, by strategy name; `{interval}` is the short-poll interval.
 * A lane's titles are its strategy's facts (LaneFacts.title, chineseTitle). A lane without a line here shows none;
 * the fallback lane's follows its mode (`fallback.sub.*`).
 */
const LANE_SUBTITLES: Readonly<Record<LaneName, Record<Language, string>>> = {
  'short-polling': { en: 'asks “anything new?” every {interval}', zh: '每 {interval} 问一次“有新消息吗？”' },
  'long-polling': { en: 'asks, the server holds the request until news', zh: '发出请求，服务器一直挂着，直到有消息' },
  websocket: { en: 'one handshake, then the server pushes frames', zh: '一次握手，之后服务器主动推送帧' },
  sse: { en: 'one long HTTP response, the server writes events', zh: '一个很长的 HTTP 响应，服务器逐条写入事件' },
  'php-long-polling': { en: 'each waiting poll holds a PHP worker until news', zh: '每个等待中的轮询都占着一个 PHP 工作进程，直到有消息' },
};

const STORAGE_KEY = 'pushbench.lang';
let current: Language = initialLanguage();
const listeners = new Set<() => void>();

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function language(): Language {
  return current;
}

type Vars = Record<string, string | number>;

function fill(template: string, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** The text of `key` in the page's language, or in `lang`. */
export function t(key: MessageKey, vars: Vars = {}, lang: Language = current): string {
  return fill(lang === 'zh' ? ZH[key] : EN[key], vars);
}

/**
 * Why joining as `user` was refused, told by the answer's status: the server's `error` is English, and only a
 * refusal the page knows (409, the name is taken) can be put in the page's language; any other shows it as sent.
 */
export function joinRefusal(refusal: { status: number; error: string }, user: string, lang: Language = current): string {
  return refusal.status === 409 ? t('join.taken', { status: refusal.status, user }, lang) : t('join.failed', refusal, lang);
}

/** The lanes' titles, as the server's facts name them. */
const laneTitles = new Map<LaneName, { en: string; zh: string | undefined }>();

/** Learns the lanes' facts, so that their titles can be shown in either language. */
export function learnLanes(lanes: readonly LaneFacts[]): void {
  for (const lane of lanes) laneTitles.set(lane.name, { en: lane.title, zh: lane.chineseTitle });
}

/** A lane's (or any strategy's) title in the current language (English when it has no Chinese one); an unknown name as it is. */
export function laneTitle(name: LaneName): string {
  const titles = laneTitles.get(name);
  if (!titles) return name;
  return current === 'zh' ? (titles.zh ?? titles.en) : titles.en;
}

/** The line under a lane's title, or '' when it has none. */
export function laneSubtitle(name: LaneName, vars: Vars = {}): string {
  return Object.hasOwn(LANE_SUBTITLES, name) ? fill(LANE_SUBTITLES[name][current], vars) : '';
}

/** A message's payload as the page shows it: the ticker's `{ "tick": n }` in the page's language, anything else as sent. */
export function messageText(message: Message): string {
  return isTickPayload(message.payload) ? t('tick', { n: message.payload.tick }) : payloadText(message);
}

/** A user id as the page shows it: the teacher's own id in the page's language, a student's as they chose it. */
export function userLabel(userId: string): string {
  return userId === TEACHER_USER ? t('role.teacher') : userId;
}

export function setLanguage(lang: Language): void {
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('page.documentTitle');
  translateStatic(document.body);
  for (const listener of listeners) listener();
}

/** Calls `listener` after every language switch, for text the page builds itself. */
export function onLanguageChange(listener: () => void): void {
  listeners.add(listener);
}

/** Fills elements marked data-i18n (text), data-lane-title (a lane's title) and data-i18n-placeholder. */
export function translateStatic(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) element.textContent = t(element.dataset.i18n as MessageKey);
  for (const element of root.querySelectorAll<HTMLElement>('[data-lane-title]')) element.textContent = laneTitle(element.dataset.laneTitle!);
  for (const element of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder as MessageKey);
  }
}
