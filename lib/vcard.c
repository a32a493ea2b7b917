/* SPDX-License-Identifier: MIT */
/*
 * vCard: the reader of versions 2.1, 3.0 and 4.0 (the 4.0 writer is
 * vcard-write.c).
 * No vCard library in Debian fits (they either drag in a framework or
 * give up on Outlook's 2.1), so this is ours: bytes in, struct kith_card
 * out, with every allocation bounded by the input and the caps in card.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "ctx.h"
#include "vcard.h"

/* ---- small helpers ---- */

/* s[0..n) equals the literal, ignoring ASCII case. */
static int ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* s[0..n) starts with the literal, ignoring ASCII case. */
static int iprefix(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && strncasecmp(s, lit, m) == 0;
}

/* The literal occurs in s[0..n), ignoring ASCII case. */
static int icontains(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, lit, m) == 0)
			return 1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- physical and logical lines ---- */

struct reader {
	const char *d;
	size_t len;
	size_t pos;
	long line; /* number of the next physical line */
};

/* The next physical line without its end (CRLF, LF or a lone CR). 0 at the end. */
static int physical(struct reader *r, const char **s, size_t *n)
{
	size_t p = r->pos, e = p;

	if (p >= r->len)
		return 0;
	while (e < r->len && r->d[e] != '\n' && r->d[e] != '\r')
		e++;
	*s = r->d + p;
	*n = e - p;
	if (e < r->len) {
		if (r->d[e] == '\r' && e + 1 < r->len && r->d[e + 1] == '\n')
			e++;
		e++;
	}
	r->pos = e;
	r->line++;
	return 1;
}

static int peek(const struct reader *r)
{
	return r->pos < r->len ? (unsigned char)r->d[r->pos] : -1;
}

/* The next physical line starts with the literal (case-insensitive). */
static int next_starts_with(const struct reader *r, const char *lit)
{
	return iprefix(r->d + r->pos, r->len - r->pos, lit);
}

/* Where the name and parameters end: the first ':' outside quotes, or n. */
static size_t head_end(const char *s, size_t n)
{
	int quoted = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ':' && !quoted)
			return i;
	}
	return n;
}

struct logical {
	struct kith_buf b;
	long line;    /* its first physical line */
	int too_long; /* over KITH_CARD_MAX_LINE: the content is cut */
};

static void logical_append(struct logical *l, const char *s, size_t n)
{
	if (l->too_long)
		return;
	if (n > KITH_CARD_MAX_LINE || l->b.len > KITH_CARD_MAX_LINE - n) {
		l->too_long = 1;
		return;
	}
	kith_buf_append_n(&l->b, s, n);
}

/* A 2.1 quoted-printable value whose line ends in '=' goes on on the next line. */
static int qp_soft_break(const struct logical *l)
{
	const char *s = kith_buf_str(&l->b);
	size_t n = l->b.len;

	return n > 0 && s[n - 1] == '=' && icontains(s, head_end(s, n), "QUOTED-PRINTABLE");
}

/*
 * The next logical line: a physical line, its folded continuations
 * (lines starting with a blank) and quoted-printable soft line breaks.
 * 0 at the end of the input.
 */
static int logical(struct reader *r, struct logical *l)
{
	const char *s;
	size_t n;

	kith_buf_reset(&l->b);
	l->too_long = 0;
	l->line = r->line;
	if (!physical(r, &s, &n))
		return 0;
	logical_append(l, s, n);
	for (;;) {
		int c = peek(r);

		if (c == ' ' || c == '\t') {
			physical(r, &s, &n);
			logical_append(l, s + 1, n - 1);
		} else if (c >= 0 && !l->too_long && qp_soft_break(l) &&
			   !next_starts_with(r, "END:VCARD") &&
			   !next_starts_with(r, "BEGIN:VCARD")) {
			/* Drop the '=' and join: that is what a soft line break means. */
			l->b.len--;
			l->b.data[l->b.len] = '\0';
			physical(r, &s, &n);
			logical_append(l, s, n);
		} else {
			break;
		}
	}
	return 1;
}

/* ---- properties ---- */

struct prop {
	const char *group;
	size_t group_n;
	const char *name;
	size_t name_n;
	const char *params;
	size_t params_n;
	const char *value;
	size_t value_n;
};

/* [group "."] name *(";" param) ":" value.  0 when the line is not a property. */
static int split_prop(const char *s, size_t n, struct prop *p)
{
	size_t i = 0, colon, dot = (size_t)-1;

	while (i < n &&
	       (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.')) {
		if (s[i] == '.')
			dot = i;
		i++;
	}
	if (i == 0 || i >= n || (s[i] != ':' && s[i] != ';'))
		return 0;
	memset(p, 0, sizeof(*p));
	if (dot != (size_t)-1) {
		p->group = s;
		p->group_n = dot;
		p->name = s + dot + 1;
		p->name_n = i - dot - 1;
	} else {
		p->name = s;
		p->name_n = i;
	}
	if (p->name_n == 0)
		return 0;
	colon = i;
	if (s[i] == ';') {
		colon = i + 1 + head_end(s + i + 1, n - i - 1);
		if (colon >= n)
			return 0;
		p->params = s + i + 1;
		p->params_n = colon - i - 1;
	}
	p->value = s + colon + 1;
	p->value_n = n - colon - 1;
	return 1;
}

struct params {
	int qp;
	int b64;
	int pref;
	int value_text;
	char charset[48];
};

/* A bare 2.1 parameter ("TEL;CELL;PREF:", "NOTE;QUOTED-PRINTABLE:"). */
static void bare_param(const char *s, size_t n, struct params *pp)
{
	if (ieq(s, n, "QUOTED-PRINTABLE"))
		pp->qp = 1;
	else if (ieq(s, n, "BASE64") || ieq(s, n, "B"))
		pp->b64 = 1;
	else if (ieq(s, n, "PREF"))
		pp->pref = 1;
}

static void one_param(const char *s, size_t n, struct params *pp)
{
	const char *eq = memchr(s, '=', n);
	const char *v;
	size_t name_n, vn;

	if (!eq) {
		bare_param(s, n, pp);
		return;
	}
	name_n = (size_t)(eq - s);
	v = eq + 1;
	vn = n - name_n - 1;
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (ieq(s, name_n, "ENCODING")) {
		bare_param(v, vn, pp);
	} else if (ieq(s, name_n, "CHARSET")) {
		if (vn < sizeof(pp->charset)) {
			memcpy(pp->charset, v, vn);
			pp->charset[vn] = '\0';
		}
	} else if (ieq(s, name_n, "PREF")) {
		pp->pref = 1;
	} else if (ieq(s, name_n, "VALUE")) {
		pp->value_text = ieq(v, vn, "text");
	} else if (ieq(s, name_n, "TYPE")) {
		/* TYPE=a,b and TYPE="a,b" */
		size_t st = 0;

		for (size_t i = 0; i <= vn; i++) {
			if (i == vn || v[i] == ',' || v[i] == '"') {
				if (ieq(v + st, i - st, "pref"))
					pp->pref = 1;
				st = i + 1;
			}
		}
	}
}

static void parse_params(const char *s, size_t n, struct params *pp)
{
	size_t i = 0;

	memset(pp, 0, sizeof(*pp));
	while (i < n) {
		size_t st = i;
		int quoted = 0;

		while (i < n && (quoted || s[i] != ';')) {
			if (s[i] == '"')
				quoted = !quoted;
			i++;
		}
		one_param(s + st, i - st, pp);
		i++;
	}
}

/* Quoted-printable: =XX is a byte; anything else is kept as it is. Returns the length. */
static size_t qp_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '=' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

/*
 * Splits an escaped value on unescaped `sep` (0: no splitting) and
 * unescapes each piece.  vCard 3.0 and 4.0 escape \\ \n \N \, \; (and
 * some writers \:); 2.1 only \; in compound values.
 */
struct splitter {
	const char *p;
	char sep;
	int v21;
	int done;
};

static int split_next(struct splitter *sp, struct kith_buf *b)
{
	const char *p = sp->p, *run;

	if (sp->done)
		return 0;
	kith_buf_reset(b);
	kith_buf_append(b, "");
	run = p;
	while (*p && *p != sp->sep) {
		char c;

		if (*p != '\\' || !p[1]) {
			p++;
			continue;
		}
		c = p[1];
		if (sp->v21 ? c != ';' : !strchr("\\nN,;:", c)) {
			p += 2;
			continue;
		}
		kith_buf_append_n(b, run, (size_t)(p - run));
		kith_buf_append_n(b, (c == 'n' || c == 'N') ? "\n" : &p[1], 1);
		p += 2;
		run = p;
	}
	kith_buf_append_n(b, run, (size_t)(p - run));
	if (*p && sp->sep)
		sp->p = p + 1;
	else
		sp->done = 1;
	return 1;
}

/* ---- one card ---- */

#define MAX_GROUPS 16

struct group_item {
	char group[32];
	struct kith_date date; /* X-ABDATE */
	int last_contact;      /* X-ABLabel says "last contacted" */
};

struct card_state {
	struct kith_card card;
	int open;
	int v21;
	int after_agent; /* the previous property was a 2.1 AGENT with an empty value */
	long line;       /* where the property being applied starts */
	char *fn;
	char *n_name;
	struct kith_strlist pref_emails, emails, pref_phones, phones;
	struct kith_date direct_last; /* X-KITH-LAST-CONTACTED, X-LAST-CONTACTED */
	struct group_item groups[MAX_GROUPS];
	size_t n_groups;
};

static void state_clear(struct card_state *st)
{
	kith_card_clear(&st->card);
	free(st->fn);
	free(st->n_name);
	kith_strlist_clear(&st->pref_emails);
	kith_strlist_clear(&st->emails);
	kith_strlist_clear(&st->pref_phones);
	kith_strlist_clear(&st->phones);
	memset(st, 0, sizeof(*st));
}

/*
 * The value as UTF-8, still escaped: quoted-printable decoded, then
 * converted from its CHARSET (an unknown one: guessed as if absent).
 * Ownership: free(*out).
 */
static enum kith_status decode_value(struct kith_ctx *ctx, struct card_state *st,
				     const struct prop *p, const struct params *pp, char **out)
{
	const char *v = p->value;
	size_t n = p->value_n;
	const char *charset = pp->charset[0] ? pp->charset : NULL;
	char *tmp = NULL;
	enum kith_status rc;

	if (pp->qp) {
		tmp = malloc(n + 1);
		if (!tmp)
			return kith_nomem(ctx);
		n = qp_decode(v, n, tmp);
		v = tmp;
	}
	/*
	 * vCard 3.0 and 4.0 are UTF-8, and so is a value that says so.  Bytes
	 * that are not are most likely Windows-1252 (a tool that wrote its
	 * own charset): read those bytes so, keep the rest, and say where,
	 * rather than letting the whole value turn into silent mojibake.
	 */
	if ((charset ? !strcasecmp(charset, "UTF-8") : !st->v21) && !kith_utf8_is_valid(v, n)) {
		if (!st->card.warning) {
			st->card.warning_line = st->line;
			if (kith_card_warn(&st->card,
					   "%.*s is not valid UTF-8; its stray bytes were read as "
					   "Windows-1252",
					   (int)(p->name_n > 40 ? 40 : p->name_n), p->name)) {
				free(tmp);
				return kith_nomem(ctx);
			}
		}
		*out = kith_utf8_repair(v, n, NULL);
		free(tmp);
		return *out ? KITH_OK : kith_nomem(ctx);
	}
	rc = kith_charset_to_utf8(NULL, charset, v, n, out, NULL);
	if (rc == KITH_ERR_INVALID)
		rc = kith_charset_to_utf8(NULL, NULL, v, n, out, NULL);
	free(tmp);
	return rc ? kith_nomem(ctx) : KITH_OK;
}

static struct group_item *group_of(struct card_state *st, const struct prop *p)
{
	if (p->group_n == 0 || p->group_n >= sizeof(st->groups[0].group))
		return NULL;
	for (size_t i = 0; i < st->n_groups; i++)
		if (ieq(p->group, p->group_n, st->groups[i].group))
			return &st->groups[i];
	if (st->n_groups == MAX_GROUPS)
		return NULL;
	memcpy(st->groups[st->n_groups].group, p->group, p->group_n);
	st->groups[st->n_groups].group[p->group_n] = '\0';
	return &st->groups[st->n_groups++];
}

static int is_true(const char *s)
{
	return !strcasecmp(s, "TRUE") || !strcmp(s, "1") || !strcasecmp(s, "yes");
}

/* Append a to *field, on a new line if it has something already. */
static int append_text(char **field, const char *a)
{
	size_t n0 = *field ? strlen(*field) : 0, n1 = strlen(a);
	char *p;

	if (!n1)
		return 0;
	p = realloc(*field, n0 + n1 + 2);
	if (!p)
		return -1;
	if (n0)
		p[n0++] = '\n';
	memcpy(p + n0, a, n1 + 1);
	*field = p;
	return 0;
}

/* Trims blanks in place; returns s. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* N: family;given;additional;prefix;suffix -> "given additional family". */
static int name_from_n(struct card_state *st, const char *value, struct kith_buf *tmp)
{
	struct splitter sp = { value, ';', st->v21, 0 };
	struct kith_buf name = KITH_BUF_INIT;
	char *parts[3] = { NULL, NULL, NULL };
	static const int order[3] = { 1, 2, 0 };
	int rc = 0;

	for (int i = 0; i < 3 && split_next(&sp, tmp); i++) {
		if (tmp->failed || !(parts[i] = strdup(kith_buf_str(tmp)))) {
			rc = -1;
			goto out;
		}
	}
	for (int k = 0; k < 3; k++) {
		char *t = parts[order[k]] ? trim(parts[order[k]]) : NULL;

		if (t && *t) {
			if (name.len)
				kith_buf_append(&name, " ");
			kith_buf_append(&name, t);
		}
	}
	if (name.failed) {
		rc = -1;
		goto out;
	}
	if (name.len)
		rc = kith_card_set(&st->n_name, name.data, name.len);
out:
	kith_buf_free(&name);
	for (int i = 0; i < 3; i++)
		free(parts[i]);
	return rc;
}

/* Applies one property to the card being read. */
static enum kith_status apply(struct kith_ctx *ctx, struct card_state *st, const struct prop *p,
			      struct kith_buf *tmp)
{
	struct kith_card *c = &st->card;
	struct params pp;
	struct splitter sp;
	char *raw = NULL, *v;
	enum kith_status rc = KITH_OK;
	int fail = 0;

#define IS(lit) ieq(p->name, p->name_n, lit)
	/* Only what kith keeps is decoded. */
	if (!(IS("FN") || IS("N") || IS("EMAIL") || IS("TEL") || IS("ORG") || IS("TITLE") ||
	      IS("NOTE") || IS("BDAY") || IS("CATEGORIES") || IS("UID") || IS("REV") ||
	      IS("VERSION") || IS("X-ABDATE") || IS("X-ABLABEL") || IS("X-LAST-CONTACTED") ||
	      iprefix(p->name, p->name_n, "X-KITH-")))
		return KITH_OK;
	parse_params(p->params, p->params_n, &pp);
	if (pp.b64)
		return KITH_OK; /* photos, sounds, keys */
	rc = decode_value(ctx, st, p, &pp, &raw);
	if (rc)
		return rc;
	if (IS("VERSION")) {
		st->v21 = !strcmp(trim(raw), "2.1");
		goto out;
	}
	if (IS("N") || IS("ORG") || IS("CATEGORIES")) {
		sp.p = raw;
		sp.sep = IS("CATEGORIES") ? ',' : ';';
		sp.v21 = st->v21;
		sp.done = 0;
		if (IS("N")) {
			fail = name_from_n(st, raw, tmp);
		} else if (IS("ORG")) {
			if (split_next(&sp, tmp) && !tmp->failed && !c->org)
				fail = kith_card_set(&c->org, kith_buf_str(tmp), tmp->len);
		} else {
			while (!fail && split_next(&sp, tmp) && !tmp->failed) {
				v = trim(tmp->data);
				/* Google's system group is not a tag anyone chose. */
				if (*v && strcasecmp(v, "myContacts") != 0)
					fail = kith_card_add_item(&c->tags, v, 1) != KITH_OK;
			}
		}
		fail = fail || tmp->failed;
		goto out;
	}
	sp.p = raw;
	sp.sep = 0;
	sp.v21 = st->v21;
	sp.done = 0;
	split_next(&sp, tmp);
	if (tmp->failed) {
		fail = 1;
		goto out;
	}
	v = trim(tmp->data);
	kith_card_drop_cr(v);
	if (IS("FN")) {
		if (!st->fn)
			fail = kith_card_set(&st->fn, v, strlen(v));
	} else if (IS("EMAIL")) {
		if (iprefix(v, strlen(v), "mailto:"))
			v += 7;
		/* X.400 and Exchange addresses are not emails anyone can write to. */
		if (strchr(v, '@') && !strpbrk(v, " \t\r\n,;<>"))
			fail = kith_card_add_item(pp.pref ? &st->pref_emails : &st->emails, v, 1) !=
			       KITH_OK;
	} else if (IS("TEL")) {
		if (iprefix(v, strlen(v), "tel:"))
			v += 4;
		fail = kith_card_add_item(pp.pref ? &st->pref_phones : &st->phones, trim(v), 0) !=
		       KITH_OK;
	} else if (IS("TITLE")) {
		if (!c->title)
			fail = kith_card_set(&c->title, v, strlen(v));
	} else if (IS("NOTE")) {
		fail = append_text(&c->notes, v);
	} else if (IS("BDAY")) {
		if (!pp.value_text)
			kith_card_parse_birthday(v, &c->birthday);
	} else if (IS("UID")) {
		if (!c->uid)
			fail = kith_card_set(&c->uid, v, strlen(v));
	} else if (IS("REV")) {
		kith_card_parse_date(v, &c->revised);
	} else if (IS("X-LAST-CONTACTED") || IS("X-KITH-LAST-CONTACTED")) {
		kith_card_parse_date(v, &st->direct_last);
	} else if (IS("X-ABDATE") || IS("X-ABLABEL")) {
		struct group_item *g = group_of(st, p);

		if (g && IS("X-ABDATE"))
			kith_card_parse_date(v, &g->date);
		else if (g)
			g->last_contact = icontains(v, strlen(v), "last contact");
	} else if (IS("X-KITH-TIER")) {
		fail = kith_card_set(&c->tier, v, strlen(v));
	} else if (IS("X-KITH-CADENCE")) {
		if (kith_cadence_parse(NULL, v, &c->cadence) != KITH_OK)
			c->cadence.unit = KITH_CADENCE_NONE;
	} else if (IS("X-KITH-VIA")) {
		fail = kith_card_set(&c->via, v, strlen(v));
	} else if (IS("X-KITH-HOW-MET")) {
		fail = kith_card_set(&c->how_met, v, strlen(v));
	} else if (IS("X-KITH-ADDED")) {
		kith_card_parse_date(v, &c->added);
	} else if (IS("X-KITH-ARCHIVED")) {
		c->archived = is_true(v);
	}
#undef IS
out:
	free(raw);
	return fail ? kith_nomem(ctx) : KITH_OK;
}

static enum kith_status merge_list(struct kith_strlist *into, const struct kith_strlist *a,
				   const struct kith_strlist *b, int nocase)
{
	for (size_t i = 0; i < a->n; i++)
		if (kith_card_add_item(into, a->items[i], nocase))
			return KITH_ERR_NOMEM;
	for (size_t i = 0; i < b->n; i++)
		if (kith_card_add_item(into, b->items[i], nocase))
			return KITH_ERR_NOMEM;
	return KITH_OK;
}

/* Completes the card being read and moves it to the list. */
static enum kith_status close_card(struct kith_ctx *ctx, struct card_state *st,
				   struct kith_card_list *out)
{
	struct kith_card *c = &st->card, *slot;
	const char *name = st->fn && *st->fn ? st->fn : st->n_name;

	if (name && kith_card_set(&c->name, name, strlen(name)))
		return kith_nomem(ctx);
	if (merge_list(&c->emails, &st->pref_emails, &st->emails, 1) ||
	    merge_list(&c->phones, &st->pref_phones, &st->phones, 0))
		return kith_nomem(ctx);
	c->last_contact = st->direct_last;
	for (size_t i = 0; i < st->n_groups && !kith_date_is_set(c->last_contact); i++)
		if (st->groups[i].last_contact && kith_date_is_set(st->groups[i].date))
			c->last_contact = st->groups[i].date;
	if (kith_card_finish(c))
		return kith_nomem(ctx);
	if (out->n >= KITH_CARD_MAX_RECORDS)
		return kith_fail(ctx, KITH_ERR_INVALID, "more than %d cards in one file; split it",
				 KITH_CARD_MAX_RECORDS);
	slot = kith_card_list_push(out);
	if (!slot)
		return kith_nomem(ctx);
	*slot = *c;
	memset(c, 0, sizeof(*c));
	state_clear(st);
	return KITH_OK;
}

static void open_card(struct card_state *st, long line)
{
	state_clear(st);
	st->open = 1;
	st->card.line = line;
}

/* BEGIN:VCARD or END:VCARD */
static int is_marker(const struct prop *p, const char *what)
{
	const char *v = p->value;
	size_t n = p->value_n;

	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	return p->group_n == 0 && ieq(p->name, p->name_n, what) && ieq(v, n, "VCARD");
}

enum kith_status kith_vcard_parse(struct kith_ctx *ctx, const char *data, size_t len,
				  struct kith_card_list *out)
{
	struct reader r = { data, len, 0, 1 };
	struct logical l;
	struct kith_buf tmp = KITH_BUF_INIT;
	struct card_state st;
	enum kith_status rc = KITH_OK;
	int skip_depth = 0; /* inside an embedded AGENT card */

	memset(&l, 0, sizeof(l));
	memset(&st, 0, sizeof(st));
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		r.pos = 3;
	while (!rc && logical(&r, &l)) {
		struct prop p;
		const char *s = kith_buf_str(&l.b);

		if (l.b.failed) {
			rc = KITH_ERR_NOMEM;
			break;
		}
		if (l.too_long) {
			if (st.open && !skip_depth)
				rc = kith_card_fail(&st.card, "line %ld is longer than %d bytes",
						    l.line, KITH_CARD_MAX_LINE);
			continue;
		}
		if (!split_prop(s, l.b.len, &p))
			continue;
		if (skip_depth) {
			if (is_marker(&p, "BEGIN"))
				skip_depth++;
			else if (is_marker(&p, "END"))
				skip_depth--;
			continue;
		}
		if (is_marker(&p, "BEGIN")) {
			if (st.open && st.after_agent) {
				skip_depth = 1;
				st.after_agent = 0;
				continue;
			}
			if (st.open) {
				rc = kith_card_fail(&st.card,
						    "no END:VCARD before the BEGIN:VCARD "
						    "on line %ld",
						    l.line);
				if (!rc)
					rc = close_card(ctx, &st, out);
				if (rc)
					break;
			}
			open_card(&st, l.line);
			continue;
		}
		if (!st.open)
			continue; /* text between cards */
		if (is_marker(&p, "END")) {
			rc = close_card(ctx, &st, out);
			continue;
		}
		st.after_agent = ieq(p.name, p.name_n, "AGENT") && p.value_n == 0;
		st.line = l.line;
		rc = apply(ctx, &st, &p, &tmp);
	}
	if (!rc && st.open) {
		rc = kith_card_fail(&st.card, "no END:VCARD: the file ends inside this card");
		if (!rc)
			rc = close_card(ctx, &st, out);
	}
	if (rc == KITH_ERR_NOMEM)
		kith_nomem(ctx);
	state_clear(&st);
	kith_buf_free(&l.b);
	kith_buf_free(&tmp);
	return rc;
}
