# The resident's form: messages next to fields, and the fixed words of the form pages.
# Survey texts (titles, questions, options) stay in the survey definitions.

## Problems with an answer, shown next to the field and in the error summary.

problem-required = Please answer this question.
problem-one-value = Please give only one answer.
problem-unknown-option = “{ $code }” is not one of the options of this question.
problem-too-many-choices = Please choose at most { $max }.
problem-too-few-choices = Please choose at least { $min }.
problem-exclusive = “{ $label }” cannot be combined with other answers.
problem-not-a-number = Please enter a number, e.g. 42.
problem-not-integer = Please enter a whole number.
problem-below-min = The number must be at least { $min }.
problem-above-max = The number must be at most { $max }.
problem-too-long = The text is too long: { $len ->
        [one] { $len } character
       *[other] { $len } characters
    }, at most { $max } are allowed.
problem-not-a-date = Please enter a date as YYYY-MM-DD, e.g. 2026-03-01.
problem-date-before = The date must be on or after { $date }.
problem-date-after = The date must be on or before { $date }.
problem-rank-not-number = Please rank with numbers: 1, 2, 3…
problem-rank-out-of-range = Each rank must be from 1 to { $max }.
problem-rank-duplicate = Rank { $rank } is given twice.
problem-rank-all = Please rank every option.
problem-matrix-incomplete = Please answer every row.
problem-points-not-whole = Please enter a whole number, 0 or more.
problem-points-sum = The points must add up to { $total }; now they add up to { $sum }.
problem-unknown-field = The field “{ $name }” does not belong to this page of the survey.
problem-unknown-fields = { $count ->
        [one] { $count } field does
       *[other] { $count } fields do
    } not belong to this page of the survey (e.g. “{ $first }”).
problem-too-fast = This page was sent very quickly. Please check your answers and send it again.

## The fixed words of the form pages (templates read them as `ui.<key>`).

ui-next = Next
ui-back = Back
ui-finish = Submit answers
ui-page_of = Page
ui-of = of
ui-required = required
ui-errors_heading = Please check your answers
ui-errors_intro = There are problems on this page:
ui-choose_up_to = Choose at most
ui-other_specify = Please specify
ui-hard_to_say = Hard to say
ui-rank_hint = Put 1 next to the most important, 2 next to the next, and so on.
ui-up = Up
ui-down = Down
ui-sum_total = Total:
ui-chars_left = characters left:
ui-date_hint = YYYY-MM-DD
ui-resume = You can stop and come back later with this link:
ui-honeypot = Leave this field empty
ui-row = Row
ui-language = Language
ui-thanks_heading = Thank you!
ui-thanks_default = Your answers have been saved.
ui-results_link = Survey results
ui-back_to_list = Back to the list of surveys
ui-already_heading = You have already answered this survey
ui-already_text = Your answers are saved. Thank you for taking part!
ui-screened_heading = Thank you for your interest
ui-screened_text = We already have enough answers from people like you. Thank you for your time!
ui-not_open_heading = This survey has not started yet
ui-not_open_text = The survey opens on
ui-not_open_soon = Please come back later.
ui-closed_heading = This survey is closed
ui-closed_text = The survey no longer accepts answers. Thank you for your interest!
ui-csrf_heading = This page has expired
ui-csrf_text = We could not accept the answers from this page (it may have been open too long, or cookies are switched off in your browser). Open the survey again and continue: answers already saved are kept.
ui-continue = Continue the survey
ui-invitation_heading = This invitation link is not valid
ui-invitation_text = Please check that the link was copied completely. This survey is by invitation only.
ui-rejected_heading = The answer was not accepted
ui-rejected_text = The form was filled in the way robots fill it in. If you are a person, go back to the survey and send the page again.
ui-rate_heading = Too many requests
ui-rate_text = Too many answers came from your address within a minute. Please wait a minute and send the page again.
ui-too_large_heading = Too much data
ui-too_large_text = The page sent more data than an answer can contain. Go back to the survey and send the page again.
ui-bad_request_heading = The answer was not accepted

## The list of open surveys.

index-title = Surveys
index-heading = Open surveys
index-empty = There are no open surveys right now.
index-closes = until
