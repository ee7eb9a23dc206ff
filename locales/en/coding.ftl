# The coding workbench of open answers (staff), masked quotes, and coded questions on results pages.

coding-link = Code the open answers: { $question }
coding-title = Coding: { $question }
coding-heading = Coding open answers: { $survey }
coding-manage = survey management
coding-progress = Coded { $coded } of { $total }
coding-second-progress = second coding { $coded } of { $total }
coding-disagreements = { $count ->
    [one] { $count } disagreement
   *[other] { $count } disagreements
}
coding-round-first = Coding
coding-round-second = Blind second coding
coding-blind-note = Second coding is blind: the first coder's codes and the suggestions are not shown.
coding-answer = Answer { $position } of { $count }
coding-coded-by = Coded by { $coder } at { $at }
coding-suggested = Suggested:
coding-confidence = { $percent } %
coding-codes = Codes
coding-save-next = Save and next
coding-keys = Keys: 1–9, 0 tick a code · Enter saves · n / → next · p / ← previous · / search
coding-prev = Previous
coding-next = Next
coding-quote = Publish as a quote
coding-quote-preview = Exactly this will be published (phones, e-mails, links and long numbers are hidden):
coding-quote-under = Under the code
coding-quote-publish = Publish the quote
coding-all-done = Every answer of this round is coded.
coding-search = Search in the answers
coding-search-words = Words (any word form)
coding-search-go = Find
coding-search-count = { $count ->
    [one] { $count } answer contains these words
   *[other] { $count } answers contain these words
}
coding-search-more = Only the first 200 are listed.
coding-bulk = Add this code to all { $count } answers found:
coding-bulk-apply = Apply to all
coding-disagreements-heading = Disagreements between coders
coding-resolve = Resolve with these codes
coding-no-disagreements = No disagreements.
coding-agreement = Agreement on { $count ->
    [one] { $count } double-coded answer
   *[other] { $count } double-coded answers
}
coding-alpha = Krippendorff's α over the codebook (every answer × code decision)
coding-code = Code
coding-first = First coder
coding-second = Second coder
coding-quotes = Published quotes
coding-quote-withdraw = withdraw
coding-no-quotes = No quotes yet.
coding-codebook = Codebook
coding-codebook-version = version { $version }
coding-none-in-use = No answer is coded yet.
coding-codebook-edit = The codebook as YAML (a saved edit becomes a new version; codes in use cannot be removed, mark them `retired: true`):
coding-codebook-save = Save as a new version
coding-undefined-no-pairs = not computable: no double-coded answers
coding-undefined-no-variation = not computable: one category only

coding-error-unknown-question = The survey has no question “{ $question }”.
coding-error-no-codebook = Question “{ $question }” has no codebook: add codebook: to the text question in the definition.
coding-error-unknown-answer = This answer is not among the question's answers.
coding-error-unknown-code = Code “{ $code }” is not in the codebook.
coding-error-retired-code = Code “{ $code }” is retired and can no longer be given.
coding-error-empty-search = Type at least one word to search for.
coding-error-bad-codebook = The codebook was not saved: { $problems }
coding-error-drops-codes = The codebook was not saved: it removes codes that answers use: { $codes }. Keep them with retired: true or recode those answers first.
coding-error-same-coder = The second coding must be done by another coder than the first.
coding-error-action = Unknown coding action.

coding-mask-email = [e-mail hidden]
coding-mask-link = [link hidden]
coding-mask-number = [number hidden]

coding-results-coded = Coded { $coded } of { $answered } answers
coding-results-quotes = Quotes

export-spss-code-given = has this code
export-spss-code-absent = coded without this code
export-spss-not-coded = not coded yet
