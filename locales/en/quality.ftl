# Response quality review on the workbench, fieldwork outcomes on the monitor, and what summaries say
# about responses left out.

quality-title = Response quality: { $survey }
quality-link = Response quality
quality-intro = Flags are computed on every complete response. A flag is a reason to look, not a verdict: nothing leaves the summaries until you exclude it, unless the survey definition excludes a flag ({ $auto }). Excluded responses stay in the database and in microdata exports.
quality-auto-none = no flag is excluded automatically
quality-flagged = Flagged
quality-excluded-now = Left out of summaries
quality-none = No complete response is flagged or reviewed.
quality-response = Response
quality-flags = Flags
quality-evidence = Why flagged
quality-decision = Decision
quality-reason = Reason
quality-select = Select
quality-decide-heading = Decide on the selected responses
quality-exclude = Exclude from summaries
quality-keep = Keep in summaries (reinstate)
quality-state-excluded = excluded
quality-state-kept = kept
quality-state-auto = excluded by the definition
quality-state-open = not reviewed
quality-by = by { $who }
quality-flag-speeders = speeder
quality-flag-straight_lining = straight-lining
quality-flag-duplicates = duplicate
quality-flag-gibberish = gibberish in an open answer
quality-error-reason = Give a reason for the decision (at most { $max } characters).
quality-error-none-selected = Select at least one response.
quality-error-decision = Choose to exclude or to keep the responses.

# What the methodology page says about responses left out.
quality-methodology-heading = Response quality screening
quality-methodology-none = No complete response was left out of the estimates after quality screening.
quality-methodology-excluded = { $total ->
    [one] One complete response was left out of the estimates after quality screening
   *[other] { $total } complete responses were left out of the estimates after quality screening
}: { $reasons }. They remain in the microdata.
quality-methodology-reviewed = { $reason } (reviewed): { $count }
quality-methodology-automatic = { $flag } (excluded by the survey's rules): { $count }

# Fieldwork outcomes on the monitor.
quality-outcomes = Fieldwork outcomes
quality-outcomes-note = Dispositions after AAPOR Standard Definitions. Opened: new respondents shown the first page; refused on the first page: opened but never sent it.
quality-disposition = Disposition
quality-count = Count
quality-disposition-invited = Invited
quality-disposition-opened = Opened
quality-disposition-refused = Refused on the first page
quality-disposition-partial = Partial (break-off)
quality-disposition-complete = Complete
quality-disposition-screened_out = Screened out by a quota
quality-disposition-excluded = Excluded by quality screening
quality-completion-rate = Completion rate
quality-breakoff-rate = Break-off rate
quality-rr1 = AAPOR RR1
quality-rr2 = AAPOR RR2
quality-rates-invitation-only = Response rates are given for invitation-only surveys, where the number invited is known.
quality-channels = Channels
quality-channel = Channel (?src=)
quality-quota-fill = Quota fill
quality-quota-cell = Cell
quality-quota-limit = Limit
quality-quota-completes = Completes
quality-quota-full = Full
quality-quota-near = nearly full
quality-no-quotas = This survey has no quotas.
