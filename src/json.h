/* Request bodies out, typed results in. Knows cJSON; never touches curl. */
#ifndef PUBRIO_JSON_H
#define PUBRIO_JSON_H

#include "pubrio/pubrio.h"

#include <stddef.h>
#include <stdint.h>

/* Bodies for the two endpoints; NULL when out of memory. Caller frees. */
char *pri_json_submit_body(const pubrio_batch_request *request);
/* The query body; profile_id only when @p has_profile_id. */
char *pri_json_query_body(const char *redeem_query_id, int has_profile_id,
                          int64_t profile_id);

/* Parse a 2xx body. A body that breaks the contract is PUBRIO_E_PROTOCOL
 * with a message naming the field. \u0000 and lone surrogates become
 * U+FFFD and every string is made valid UTF-8: one bad value never costs a
 * batch. An answer of the expected shape is read straight from the text
 * (each string once, no cJSON tree); anything else goes to the cJSON
 * reader, which gives the same result and names what is wrong, after
 * rewriting the body's escapes cJSON would refuse in place.
 * The submit answer needs only `data.redeem_query_id`: the rest is read
 * leniently (a paid batch's id is never thrown away over an odd estimate). */
/* For tests only: 0 reads with the cJSON reader alone, 2 with the fast path
 * alone (PUBRIO_E_PROTOCOL where it gives up); 1, the default, both. */
extern int pri_json_fast_path;
pubrio_status pri_json_parse_job(char *body, size_t len, pubrio_batch_job **out,
                                 pubrio_error *err);
pubrio_status pri_json_parse_query(char *body, size_t len,
                                   pubrio_query_result **out,
                                   pubrio_error *err);

/* The account calls' body: {"profile_id": N}, or {} when @p profile_id is
 * -1. The single redeem's: one of the id (canonical) and the URL, the
 * types and the profile id (-1: none). NULL when out of memory. */
char *pri_json_account_body(int64_t profile_id);
char *pri_json_redeem_person_body(const char *people_search_id,
                                  const char *linkedin_url, unsigned types,
                                  int64_t profile_id);

/* The account answers, read leniently (see json_account.c); pri_parse_fn
 * shaped: @p out is a pubrio_profile ** or a pubrio_usage **. */
pubrio_status pri_json_parse_profile(char *body, size_t len, void *out,
                                     pubrio_error *err);
pubrio_status pri_json_parse_usage(char *body, size_t len, void *out,
                                   pubrio_error *err);

/* The single redeem's answer {data: {profile, peoples}} as a query result:
 * its people as a query's (streamed), a completed job with an empty id,
 * total_charged_credit from data.profile.total_credit_cost; the balance
 * read leniently (a paid answer is never refused over it). */
pubrio_status pri_json_parse_person_answer(char *body, size_t len,
                                           pubrio_query_result **out,
                                           pubrio_error *err);

/* What an error body says: 400 {code, message, details}, 429/500 {error}. */
typedef struct pri_api_error {
  int is_json; /* body was a JSON object */
  int has_code;
  int64_t code;
  char *message;      /* `message`, else `error` */
  char *details_json; /* `details` re-serialised */
} pri_api_error;

/* Never fails: fields it cannot read stay empty (OOM included). */
void pri_json_parse_api_error(const char *body, size_t len, pri_api_error *out);
void pri_api_error_free(pri_api_error *api_error);

/* The contact lookup (json_lookup.c): the single body for entry @p index,
 * the batch body for @p n entries (NULL when out of memory; caller frees),
 * and the answer, pri_parse_fn shaped: @p out is a pri_lookup_answer_list
 * (lookup.h) of the matches as answered, not yet mapped to entries. */
char *pri_json_lookup_body(const pubrio_lookup_request *request, size_t index);
char *pri_json_lookup_batch_body(const pubrio_lookup_request *request,
                                 const size_t *entries, size_t n);
pubrio_status pri_json_parse_lookup(char *body, size_t len, void *out,
                                    pubrio_error *err);

#endif
