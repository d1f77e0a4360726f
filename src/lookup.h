/* Contact lookup internals: the request's entries, how an identifier is
 * normalized into the key a match is mapped back by, and the plan that
 * splits entries into requests no answer can be ambiguous in. Pure: no
 * I/O (lookup_plan.c); the calls are in lookup.c. */
#ifndef PUBRIO_LOOKUP_H
#define PUBRIO_LOOKUP_H

#include "pubrio/pubrio.h"

#include <stddef.h>
#include <stdint.h>

#define PRI_LOOKUP_FIELDS 6
#define PRI_LOOKUP_KEYS 4 /* email, phone, domain, company */
#define PRI_LOOKUP_VALUE_MAX 512
#define PRI_LOOKUP_BATCH_MAX 10000

typedef struct pri_lookup_entry {
  char *field[PRI_LOOKUP_FIELDS]; /* as set (checked, trimmed); NULL: none */
} pri_lookup_entry;

struct pubrio_lookup_request {
  pri_lookup_entry *entries;
  size_t count, cap;
  int similarity;
  int64_t profile_id; /* -1: none */
  size_t batch_size;
};

/* The key a value is mapped by: a one-letter class ('e' email, 'p' phone,
 * 'd' domain, 'c' company), ':' and the normalized value. Emails trimmed
 * and lower-cased; phones '+' and their digits; domains lower-cased
 * without scheme, "www.", port, path or trailing dot; company names
 * lower-cased with runs of spaces as one. Malloc'd; NULL when the value
 * normalizes to nothing or out of memory. */
char *pri_lookup_key(char cls, const char *value);
/* The class of an answer's match.input.type: 'e', 'p', 'd', 'c', or 0. */
char pri_lookup_input_class(const char *type);
/* The normalized domain of @p value (malloc'd, NULL: none or OOM). */
char *pri_lookup_domain(const char *value);
/* The phone's '+' and digits (malloc'd, NULL: none or OOM). */
char *pri_lookup_phone(const char *value);

/* Checks one value for one field: NULL, or a static reason. */
const char *pri_lookup_value_problem(pubrio_lookup_field field,
                                     const char *value);

typedef enum pri_lookup_kind {
  PRI_LOOKUP_SEND = 0,  /* looked up */
  PRI_LOOKUP_REFUSE = 1 /* only a name with a company or domain, and
                           similarity is off */
} pri_lookup_kind;

/* PUBRIO_OK with *kind set, or PUBRIO_E_INVALID_ARGUMENT naming the entry
 * (empty, half a name, a name with neither domain nor company). */
pubrio_status pri_lookup_entry_kind(const pubrio_lookup_request *request,
                                    size_t index, pri_lookup_kind *kind,
                                    pubrio_error *err);

/* The split. Every key an entry to send could be answered with gets an id
 * (keys sorted, one id per distinct key); a batch takes pending entries in
 * order, skipping any that shares a key id with an entry already in it, up
 * to the size. The entries skipped wait for a later batch. */
typedef struct pri_lookup_plan {
  size_t count;           /* entries */
  unsigned char *kind;    /* pri_lookup_kind per entry */
  unsigned char *pending; /* 1 while an entry to send has no batch */
  size_t *entry_keys;     /* count * PRI_LOOKUP_KEYS key ids; SIZE_MAX none */
  char **keys;            /* distinct keys, sorted */
  size_t key_count;
  size_t *stamp; /* per key: the batch holding it (+1), 0 none */
  size_t *owner; /* per key: the entry holding it in that batch */
  size_t batches_made;
  size_t first_pending;
} pri_lookup_plan;

/* Validates every entry and builds the keys; PUBRIO_OK, or the first
 * entry's refusal (PUBRIO_E_INVALID_ARGUMENT) or PUBRIO_E_OUT_OF_MEMORY. */
pubrio_status pri_lookup_plan_init(pri_lookup_plan *plan,
                                   const pubrio_lookup_request *request,
                                   pubrio_error *err);
void pri_lookup_plan_free(pri_lookup_plan *plan);
/* The next batch of at most @p size pending entries, no two sharing a key:
 * their indexes in @p out (room for @p size); returns how many (0: none
 * left). They are no longer pending; pri_lookup_plan_return() gives them
 * back (a refusal that proves nothing was processed). */
size_t pri_lookup_plan_next(pri_lookup_plan *plan, size_t size, size_t *out);
void pri_lookup_plan_return(pri_lookup_plan *plan, const size_t *entries,
                            size_t n);
/* The entry of the batch last made whose key @p key is, or SIZE_MAX when
 * no entry of that batch could have produced it. */
size_t pri_lookup_plan_owner(const pri_lookup_plan *plan, const char *key);

/* One match of an answer, every string malloc'd (valid UTF-8) or NULL. */
typedef struct pri_lookup_match {
  char *people_search_id, *first_name, *last_name, *people_name, *company_name,
      *domain, *confidence, *input_value, *input_type;
  int is_duplicate_input;
} pri_lookup_match;

typedef struct pri_lookup_answer_list {
  pri_lookup_match *matches;
  size_t count;
  int has_total_credit_cost;
  int64_t total_credit_cost;
} pri_lookup_answer_list;

/* Whether a 400 refused the request's size (nothing was processed): the
 * entries go again in smaller requests. */
int pri_lookup_refused_size(const pubrio_error *e);

void pri_lookup_match_free(pri_lookup_match *match);
void pri_lookup_answer_list_free(pri_lookup_answer_list *list);

#endif
