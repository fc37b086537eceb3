/*
 * The S3 Onboarding Assistant's web chat widget. A partner embeds it with one line:
 *   <script src="https://HOST/widget.js" data-site="SITE_KEY" async></script>
 * It adds one <s3bot-widget> element whose open shadow root holds all markup and CSS, so the
 * host page's styles cannot break it. It talks only to the host it was loaded from
 * (/widget/v1/*), keeps its session id in localStorage (no cookies), and renders every message
 * as text nodes: any HTML a message holds is shown as text, never parsed. See docs/widget.md.
 */
(function () {
  "use strict";
  if (!window.customElements || customElements.get("s3bot-widget")) return;

  var script =
    document.currentScript ||
    [].slice.call(document.querySelectorAll("script[data-site]")).filter(function (s) {
      return /\/widget\.js(\?|#|$)/.test(s.src);
    })[0];
  if (!script || !script.dataset.site) return;

  var API = new URL(script.src, location.href).origin;
  var opt = script.dataset;
  var SITE = opt.site;
  var STORE_KEY = "s3bot:" + SITE + ":session";
  // The words needed before the server has answered, or when it never does (a refused page),
  // per language: the server fills them in from data/widget/ui.yml when it serves this file.
  // Everything else comes from the session's `strings`.
  var LANG = (opt.language || document.documentElement.lang || "en").split("-")[0];
  var EARLY_WORDS = /*early-words*/ { en: {} } /*end*/;
  var FALLBACK = EARLY_WORDS[LANG] || EARLY_WORDS.en;

  var CSS =
    ":host{all:initial!important;display:block!important}" +
    ".w{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b;" +
    "-webkit-font-smoothing:antialiased}" +
    ":where(.w *){box-sizing:border-box;font:inherit;color:inherit;margin:0}" +
    "button{cursor:pointer;border:0;background:none;padding:0}" +
    ":focus{outline:none}:focus-visible{outline:3px solid var(--ring);outline-offset:2px;" +
    "box-shadow:0 0 0 5px #fff}" +
    ".launcher{position:fixed;bottom:20px;right:20px;z-index:2147483646;width:58px;height:58px;" +
    "border-radius:50%;background:var(--accent);color:var(--on);display:grid;place-items:center;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".left .launcher{right:auto;left:20px}" +
    ".launcher svg{width:28px;height:28px;fill:currentColor}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;" +
    "border-radius:11px;background:#b00020;color:#fff;font-size:13px;font-weight:700;" +
    "line-height:22px;text-align:center}" +
    ".panel{position:fixed;bottom:90px;right:20px;z-index:2147483647;width:370px;" +
    "height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;" +
    "border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    ".left .panel{right:auto;left:20px}" +
    "[hidden]{display:none!important}" +
    ".head{display:flex;align-items:center;gap:6px;padding:10px 10px 10px 16px;" +
    "background:var(--accent);color:var(--on)}" +
    "h2{flex:1;font-size:16px;font-weight:700;overflow:hidden;text-overflow:ellipsis;" +
    "white-space:nowrap}" +
    ".head button{min-width:36px;height:36px;border-radius:6px;font-size:20px;line-height:1;" +
    "padding:0 8px}.head button:hover{background:rgba(127,127,127,.25)}" +
    ".menu{position:absolute;top:56px;right:10px;background:#fff;border:1px solid #c8c8c8;" +
    "border-radius:8px;box-shadow:0 4px 14px rgba(0,0,0,.2);padding:4px;display:flex;" +
    "flex-direction:column;z-index:1}" +
    ".menu button{text-align:left;padding:9px 12px;border-radius:6px}" +
    ".menu button:hover{background:#eef0f3}" +
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;" +
    "background:#f7f7f8}" +
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;overflow-wrap:anywhere}" +
    ".msg p+p,.msg ul+p,.msg p+ul{margin-top:6px}.msg ul{padding-left:20px}" +
    ".bot{align-self:flex-start;background:#fff;border:1px solid #dcdde0}" +
    ".user{align-self:flex-end;background:var(--accent);color:var(--on)}" +
    ".bot a{color:var(--link);text-decoration:underline}" +
    ".user a{color:inherit;text-decoration:underline}" +
    "strong{font-weight:700}em{font-style:italic}" +
    ".buttons{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start;max-width:90%}" +
    ".buttons button{border:2px solid var(--link);color:var(--link);background:#fff;" +
    "border-radius:16px;padding:5px 12px;font-size:14px}" +
    ".buttons button:hover{background:#eef0f3}" +
    ".failed{align-self:flex-end;font-size:13px;color:#8a0012;text-align:right}" +
    ".failed button{text-decoration:underline;font-weight:700;margin-left:6px}" +
    ".typing{padding:4px 16px;font-size:13px;color:#505050;background:#f7f7f8}" +
    ".notice{padding:8px 14px;font-size:13px;color:#3d3d3d;border-top:1px solid #e2e2e2}" +
    ".notice a{color:var(--link);text-decoration:underline;margin-left:4px}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e2e2e2}" +
    "input{flex:1;min-width:0;padding:9px 12px;border:1px solid #767676;border-radius:8px;" +
    "background:#fff}input::placeholder{color:#6b6b6b}" +
    "form button{padding:0 16px;border-radius:8px;background:var(--accent);color:var(--on);" +
    "font-weight:600}" +
    ".error{margin:auto;text-align:center;color:#3d3d3d}" +
    "@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;height:100%;" +
    "border-radius:0}}";

  // A speech bubble, built as DOM (no innerHTML anywhere: pages enforcing Trusted Types work).
  function icon() {
    var ns = "http://www.w3.org/2000/svg",
      svg = document.createElementNS(ns, "svg"),
      path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.append(path);
    return svg;
  }

  // --- Colours: the partner picks the accent; the text on it is whichever of black and white
  // contrasts more (always at least 4.5:1), and links use the accent darkened until they reach
  // 4.5:1 on white.
  function rgb(hex) {
    return [1, 3, 5].map(function (i) {
      return parseInt(hex.substr(i, 2), 16);
    });
  }
  function luminance(c) {
    var l = c.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a),
      y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function palette(hex) {
    if (!/^#[0-9a-f]{6}$/i.test(hex || "")) hex = "#1f5fa8";
    var c = rgb(hex),
      white = [255, 255, 255],
      on = contrast(c, white) >= contrast(c, [0, 0, 0]) ? "#fff" : "#000",
      link = c.slice();
    while (contrast(link, white) < 4.5)
      link = link.map(function (v) {
        return Math.floor(v * 0.9);
      });
    var css = "rgb(" + link.join(",") + ")";
    return { accent: hex, on: on, link: css, ring: css };
  }

  // --- Safe Markdown subset: **bold**, *italic*, [text](https://…) and "- " list lines, built
  // from text nodes only.
  var INLINE = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  function safeHref(url) {
    try {
      var u = new URL(url);
      return /^(https?|mailto):$/.test(u.protocol) ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function inline(parent, text) {
    var last = 0,
      m,
      el,
      href;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text))) {
      parent.append(text.slice(last, m.index));
      last = INLINE.lastIndex;
      if (m[1] || m[2]) {
        el = document.createElement(m[1] ? "strong" : "em");
        el.textContent = m[1] || m[2];
      } else if ((href = safeHref(m[4]))) {
        el = document.createElement("a");
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
        el.textContent = m[3];
      } else el = document.createTextNode(m[0]);
      parent.append(el);
    }
    parent.append(text.slice(last));
  }
  function markdown(parent, text) {
    var list = null;
    String(text || "")
      .split("\n")
      .forEach(function (line) {
        var item = /^\s*- (.*)$/.exec(line);
        if (item) {
          if (!list) parent.append((list = document.createElement("ul")));
          var li = document.createElement("li");
          inline(li, item[1]);
          list.append(li);
        } else if (line.trim()) {
          list = null;
          var p = document.createElement("p");
          inline(p, line);
          parent.append(p);
        }
      });
  }

  function newId() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return [].map
      .call(bytes, function (b) {
        return (b + 256).toString(16).slice(1);
      })
      .join("");
  }
  function h(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      el.setAttribute(k, attrs[k]);
    });
    if (text != null) el.textContent = text;
    return el;
  }

  class Widget extends HTMLElement {
    connectedCallback() {
      if (this.root) return;
      this.root = this.attachShadow({ mode: "open" });
      this.s = Object.assign({}, FALLBACK);
      this.unread = 0;
      this.queue = Promise.resolve();
      this.titles = {}; // button payload -> title, to show a history's button press as its title
      this.eraseStep = 0;
      this.build();
      this.start(false).catch(() => {}); // shown as unavailable; nothing else to do
    }

    build() {
      var r = this.root;
      // A constructed style sheet needs no 'unsafe-inline' in the page's style-src.
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        r.adoptedStyleSheets = [sheet];
      } catch (e) {
        r.append(h("style", null, CSS));
      }
      var w = (this.w = h("div", { class: "w" + (opt.position === "left" ? " left" : "") }));
      this.paint(opt.colour);
      this.launcher = h("button", { class: "launcher", type: "button", "aria-expanded": "false" });
      this.launcher.append(icon());
      this.badge = h("span", { class: "badge", "aria-hidden": "true", hidden: "" });
      this.launcher.append(this.badge);
      this.launcher.onclick = () => this.toggle(!this.isOpen());
      var panel = (this.panel = h("div", {
        class: "panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "t",
        id: "panel",
        hidden: "",
      }));
      this.launcher.setAttribute("aria-controls", "panel");
      var head = h("div", { class: "head" }); // not <header>: no banner landmark on the page
      this.heading = h("h2", { id: "t" });
      this.menuButton = h("button", {
        type: "button",
        "aria-haspopup": "true",
        "aria-expanded": "false",
        "aria-controls": "menu",
      });
      this.menuButton.textContent = "\u22EE";
      this.menuButton.onclick = () => this.showMenu(this.menu.hidden);
      this.closeButton = h("button", { type: "button" }, "\u00D7");
      this.closeButton.onclick = () => this.toggle(false);
      head.append(this.heading, this.menuButton, this.closeButton);
      this.menu = h("div", { class: "menu", id: "menu", hidden: "" });
      this.log = h("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" });
      this.typing = h("div", { class: "typing", role: "status", hidden: "" });
      this.notice = h("p", { class: "notice", hidden: "" });
      this.form = h("form", { novalidate: "" });
      this.input = h("input", { type: "text", autocomplete: "off", maxlength: "2000" });
      this.sendButton = h("button", { type: "submit" });
      this.form.append(this.input, this.sendButton);
      this.form.onsubmit = (e) => {
        e.preventDefault();
        var text = this.input.value.trim();
        if (!text || !this.token) return;
        this.input.value = "";
        this.send(text);
      };
      panel.append(head, this.menu, this.log, this.typing, this.notice, this.form);
      panel.addEventListener("keydown", (e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        if (!this.menu.hidden) {
          this.showMenu(false);
          this.menuButton.focus();
        } else this.toggle(false);
      });
      w.append(panel, this.launcher);
      r.append(w);
      this.words();
    }

    paint(colour) {
      var p = palette(colour);
      var st = this.w.style;
      st.setProperty("--accent", p.accent);
      st.setProperty("--on", p.on);
      st.setProperty("--link", p.link);
      st.setProperty("--ring", p.ring);
    }

    /** Put the interface words (from the session's strings) on every control. */
    words() {
      var s = this.s,
        site = this.site || {};
      var title = opt.title || site.title || s.title;
      this.heading.textContent = title;
      this.setUnread(this.unread);
      this.closeButton.setAttribute("aria-label", s.close_chat);
      this.closeButton.title = s.close_chat;
      this.menuButton.setAttribute("aria-label", s.menu || "Menu");
      this.menuButton.title = s.menu || "Menu";
      this.input.setAttribute("aria-label", s.message_label || "Message");
      this.input.placeholder = s.message_placeholder || "";
      this.sendButton.textContent = s.send || "Send";
      this.typing.textContent = s.typing || "…";
      this.menu.textContent = "";
      [
        ["restart", () => this.command("/restart")],
        ["talk_to_person", () => this.command("/talk_to_human")],
        ["download_transcript", () => this.download()],
        ["delete_my_data", () => this.command("/delete_my_data")],
      ].forEach((item) => {
        if (!s[item[0]]) return;
        var b = h("button", { type: "button" }, s[item[0]]);
        b.onclick = () => {
          this.showMenu(false);
          item[1]();
        };
        this.menu.append(b);
      });
      this.notice.textContent = (s.privacy_notice || "").replace("{name}", site.name || "");
      if (site.privacy_url && s.privacy_link) {
        var a = h("a", { target: "_blank", rel: "noopener noreferrer" }, s.privacy_link);
        a.href = safeHref(new URL(site.privacy_url, API).href) || "#";
        this.notice.append(a);
      }
    }

    isOpen() {
      return !this.panel.hidden;
    }

    toggle(open) {
      this.panel.hidden = !open;
      this.launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        this.setUnread(0);
        this.log.scrollTop = this.log.scrollHeight;
        (this.token ? this.input : this.closeButton).focus();
      } else {
        this.showMenu(false);
        this.launcher.focus();
      }
    }

    showMenu(show) {
      this.menu.hidden = !show;
      this.menuButton.setAttribute("aria-expanded", String(show));
      if (show) this.menu.querySelector("button").focus();
    }

    setUnread(n) {
      this.unread = n;
      this.badge.hidden = !n;
      this.badge.textContent = n > 9 ? "9+" : String(n);
      var label = this.s.open_chat;
      if (n && this.s.unread) label += ", " + this.s.unread.replace("{count}", n);
      this.launcher.setAttribute("aria-label", label);
    }

    // --- Server calls

    call(method, path, body) {
      return fetch(API + "/widget/v1/" + path, {
        method: method,
        mode: "cors",
        credentials: "omit",
        headers: Object.assign(
          { "Content-Type": "application/json" },
          this.token ? { Authorization: "Bearer " + this.token } : {}
        ),
        body: body ? JSON.stringify(body) : undefined,
      });
    }

    /** Open (or renew, after a 401) the widget session; `renew` keeps what is shown. */
    async start(renew) {
      var stored = null;
      try {
        stored = localStorage.getItem(STORE_KEY);
      } catch (e) {} // storage blocked: a session for this page only
      var lang = LANG;
      this.token = null;
      var data;
      try {
        var res = await this.call("POST", "sessions", {
          site_key: SITE,
          session_id: stored,
          language: lang.toLowerCase(),
          user_id: opt.userId || null,
          user_hash: opt.userHash || null,
        });
        if (!res.ok) throw new Error("sessions: " + res.status);
        data = await res.json();
      } catch (e) {
        this.unavailable();
        throw e;
      }
      try {
        localStorage.setItem(STORE_KEY, data.session_id);
      } catch (e) {}
      this.token = data.token;
      this.connect();
      if (renew) return;
      this.s = Object.assign({}, FALLBACK, data.strings);
      this.site = data.site || {};
      this.paint(opt.colour || this.site.colour);
      this.words();
      this.render(data.history || []);
      if (opt.open != null && opt.open !== "false") this.toggle(true);
    }

    unavailable() {
      this.log.textContent = "";
      this.log.append(h("p", { class: "error" }, this.s.error_unavailable));
      this.form.hidden = this.notice.hidden = this.menuButton.hidden = true;
    }

    /** Server-Sent Events: bot messages added later (a staff reply, a reminder). */
    connect() {
      if (this.events) this.events.close();
      if (!window.EventSource) return;
      var es = (this.events = new EventSource(
        API + "/widget/v1/events?token=" + encodeURIComponent(this.token)
      ));
      es.onmessage = (e) => {
        try {
          this.add(JSON.parse(e.data), true);
        } catch (err) {}
      };
      es.onerror = () => {
        // A refused stream (expired token) closes for good: renew the session, then reconnect.
        if (es.readyState === 2 && this.events === es) {
          this.events = null;
          setTimeout(() => this.token && this.start(true).catch(() => {}), 5000);
        }
      };
    }

    render(history) {
      this.log.textContent = "";
      this.seen = {};
      this.lastBotButtons = null;
      var greeting = opt.greeting || this.site.greeting || this.s.greeting;
      if (greeting) this.bubble("bot greeting", greeting);
      history.forEach((m) => this.add(m, false));
      this.notice.hidden = history.some((m) => m.role === "user");
    }

    bubble(cls, text) {
      var div = h("div", { class: "msg " + cls });
      markdown(div, text);
      this.log.append(div);
      this.log.scrollTop = this.log.scrollHeight;
      return div;
    }

    /** Show one message of the conversation (each seq once); `live` counts it as unread. */
    add(m, live) {
      if (m.seq != null) {
        if (this.seen[m.seq]) return;
        this.seen[m.seq] = true;
      }
      if (m.role === "user") {
        this.clearButtons();
        this.bubble("user", this.titles[m.text] || m.text);
        return;
      }
      if (m.text) this.bubble("bot", m.text);
      if (m.buttons && m.buttons.length) {
        var row = h("div", { class: "buttons" });
        m.buttons.forEach((b) => {
          this.titles[b.payload] = b.title;
          var button = h("button", { type: "button" }, b.title);
          button.onclick = () => {
            this.send(b.payload, b.title);
            this.input.focus(); // the buttons are gone: keep the focus in the panel
          };
          row.append(button);
        });
        this.log.append(row);
        this.log.scrollTop = this.log.scrollHeight;
      }
      if (live && !this.isOpen()) this.setUnread(this.unread + 1);
    }

    clearButtons() {
      this.log.querySelectorAll(".buttons").forEach((row) => row.remove());
    }

    command(text) {
      this.send(text, this.titles[text] || null);
      this.input.focus();
    }

    /** Show the user's message at once, then deliver it in order with a fresh id. */
    send(text, shown) {
      if (!this.token) return;
      this.notice.hidden = true; // sending the first message acknowledges the notice
      this.clearButtons();
      if (text === "/delete_my_data") this.eraseStep = 1;
      else if (this.eraseStep === 1) this.eraseStep = 2;
      var item = { id: newId(), text: text, bubble: this.bubble("user", shown || text) };
      this.queue = this.queue.then(() => this.deliver(item));
    }

    async deliver(item) {
      this.typing.hidden = false;
      try {
        var res = await this.call("POST", "messages", {
          client_message_id: item.id,
          text: item.text,
        });
        if (res.status === 401) {
          await this.start(true);
          res = await this.call("POST", "messages", { client_message_id: item.id, text: item.text });
        }
        if (!res.ok) throw new Error("messages: " + res.status);
        var data = await res.json();
        data.messages.forEach((m) => this.add(m, true));
        if (this.eraseStep === 2) await this.checkErased();
      } catch (e) {
        this.failed(item);
      } finally {
        this.typing.hidden = true;
      }
    }

    /** Offer to send the same message again, with the same id, so it is answered once. */
    failed(item) {
      var row = h("div", { class: "failed", role: "alert" }, this.s.error_offline || "");
      var again = h("button", { type: "button" }, this.s.retry || "Retry");
      again.onclick = () => {
        row.remove();
        this.queue = this.queue.then(() => this.deliver(item));
      };
      row.append(again);
      item.bubble.after(row);
      again.focus();
    }

    /** After the answer to the erasure question: an empty history means all was erased, so
     * this browser forgets its session id and starts afresh with the next message. */
    async checkErased() {
      this.eraseStep = 0;
      var res = await this.call("GET", "history");
      if (res.status !== 404 && (!res.ok || (await res.json()).messages.length)) return;
      try {
        localStorage.removeItem(STORE_KEY);
      } catch (e) {}
      if (this.events) this.events.close();
      await this.start(true);
      this.seen = {};
    }

    download() {
      var lines = [this.s.transcript_title || "", new Date().toLocaleString(), ""];
      this.log.querySelectorAll(".msg").forEach((m) => {
        var who = m.classList.contains("user") ? this.s.you : this.s.assistant;
        var text = [].map
          .call(m.children, (c) =>
            c.tagName === "UL"
              ? [].map.call(c.children, (li) => "- " + li.textContent).join("\n")
              : c.textContent
          )
          .join("\n");
        lines.push(who + ": " + text, "");
      });
      var url = URL.createObjectURL(new Blob([lines.join("\n")], { type: "text/plain" }));
      var a = h("a", { href: url, download: "transcript.txt" });
      this.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
  }

  customElements.define("s3bot-widget", Widget);
  function mount() {
    document.body.append(document.createElement("s3bot-widget"));
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
