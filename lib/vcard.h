/* SPDX-License-Identifier: MIT */
/*
 * Private: vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350) in, vCard 4.0 out.
 *
 * The reader takes the raw bytes of a file holding any number of cards
 * and turns each BEGIN:VCARD ... END:VCARD into a struct kith_card with
 * the line it starts on.  It copes with what real exporters write:
 * folded lines; 2.1 QUOTED-PRINTABLE with soft line breaks; CHARSET=
 * (converted by charset.c; without one, UTF-8 if valid, else
 * windows-1252); ENCODING=BASE64 photos (skipped); escaped commas and
 * semicolons; TYPE lists and PREF; item1.X-ABLabel groups; 4.0 VALUE=uri
 * tel: and mailto: values; an embedded 2.1 AGENT card (skipped).
 *
 * A card that cannot be trusted is returned with an error and the reading
 * goes on: a card with no END:VCARD (cut off, or followed by another
 * BEGIN:VCARD), a line over KITH_CARD_MAX_LINE.  Lines that are not
 * properties (stray base64, garbage) are ignored.
 *
 * Fields read: FN (else N, else ORG, else the first email), EMAIL, TEL,
 * ORG (its first component), TITLE, NOTE, BDAY, CATEGORIES (tags), UID,
 * REV (card.h: `revised`), the last-contacted date from
 * X-KITH-LAST-CONTACTED, X-LAST-CONTACTED or an Apple X-ABDATE whose
 * X-ABLabel says "last contacted", and kith's own X-KITH-TIER,
 * X-KITH-CADENCE, X-KITH-VIA, X-KITH-HOW-MET, X-KITH-ADDED and
 * X-KITH-ARCHIVED.
 */
#ifndef KITH_VCARD_H
#define KITH_VCARD_H

#include "buf.h"
#include "card.h"

/*
 * Append every card in data[0..len) to *out.  Fails only when out of
 * memory or past KITH_CARD_MAX_RECORDS (KITH_ERR_INVALID); malformed
 * cards come back with their error set.  On failure *out keeps what was
 * read so far.  Ownership: kith_card_list_clear(out).
 */
enum kith_status kith_vcard_parse(struct kith_ctx *ctx, const char *data, size_t len,
				  struct kith_card_list *out);

/*
 * Append the contact as one vCard 4.0 (CRLF, lines folded at 75 octets):
 * UID (its vcard_uid, else its reminder UID), FN, N, EMAIL and TEL
 * (the first with PREF=1), ORG, TITLE, BDAY, NOTE, CATEGORIES, and
 * X-KITH-* for the tier, cadence override, preferred channel, how met,
 * date added, archived flag and last_touch (unset: none).  An allocation
 * failure is sticky in b (see buf.h).
 */
void kith_vcard_write(struct kith_buf *b, const struct kith_contact *c,
		      struct kith_date last_touch);

#endif
