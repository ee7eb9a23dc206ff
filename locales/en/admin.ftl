# The staff pages: the workbench under /admin, the sign-in page, staff messages, and the error page.
# Staff pages put HTML (links, <code>) around the messages, never inside them.

## The workbench navigation, shown on every workbench page.

admin-nav-label = Workbench
admin-nav-surveys = Surveys
admin-nav-new = New survey / version
admin-nav-populations = Populations
admin-nav-users = Users
admin-nav-audit = Audit log
admin-nav-results = Results
admin-nav-sign-out = Sign out

## Names of the staff roles and of the survey states, as staff see them.

admin-role-admin = admin
admin-role-sociologist = sociologist
admin-role-official = official
admin-status-draft = draft
admin-status-open = open
admin-status-closed = closed

## Words shared by several workbench pages.

admin-back = Back to the workbench
admin-none = None.
admin-nothing-stored = nothing was stored
admin-question = question
admin-published = published
admin-not-published = not published
admin-store = Store
admin-store-as-draft = Store as draft
admin-store-and-open = Store and open
admin-discard = Discard
admin-cancel = Cancel
admin-check-and-store = Check and store

## Staff messages: a page a staff member is not allowed to see, an expired form.

admin-not-allowed = Not allowed
admin-not-allowed-text = Your role ({ $role }) does not allow this page: it needs { $needed } or higher. Ask an admin if you need it.
admin-form-expired = Form expired
admin-form-expired-heading = This form has expired
admin-form-expired-text = The form was not sent from this session (it is too old, or it came from another site). Go back, reload the page and send it again.

## The sign-in page.

admin-login-title = Staff sign-in
admin-login-login = Login
admin-login-password = Password
admin-login-submit = Sign in
admin-login-hint = Accounts are created by an admin (the first one with
admin-login-hint-end = ).
admin-login-bad-credentials = Wrong login or password.
admin-login-throttled = Too many failed sign-in attempts. Wait 15 minutes and try again, or ask an admin.
admin-login-expired = The sign-in form expired or did not come from this site. Please sign in again.

## The survey list (/admin).

admin-list-title = Workbench
admin-list-heading = Surveys
admin-list-survey = Survey
admin-list-status = Status
admin-list-version = Version
admin-list-complete = Complete
admin-list-partial = Partial
admin-list-field-dates = Field dates
admin-list-results = Results
admin-list-links = Links
admin-list-manage = manage
admin-list-fieldwork = fieldwork
admin-list-preview = preview
admin-list-form = form
admin-list-results-link = results
admin-list-empty = No surveys yet.
admin-list-upload = Upload a definition

## One survey (/admin/surveys/SLUG).

admin-survey-version = version { $version }
admin-survey-results = results
admin-survey-field-dates = Field dates:
admin-survey-closes-note = (the survey closes by itself after the
admin-survey-closes-note-end = {" "}date).
admin-survey-responses = Responses: { $complete } complete, { $partial } partial, { $screened_out } screened out.
admin-survey-actions = Actions
admin-survey-open = Open…
admin-survey-close = Close…
admin-survey-publish = Publish results…
admin-survey-unpublish = Unpublish results…
admin-survey-preview = Preview the form
admin-survey-monitor = Fieldwork monitor
admin-survey-new-version = Upload a new version
admin-survey-results-link = Results
admin-survey-versions = Versions
admin-survey-version-column = Version
admin-survey-stored = Stored
admin-survey-from = From
admin-survey-current = (current)
admin-survey-officials = Officials who may read unpublished results
admin-survey-revoke = revoke
# Shown unescaped (the page has always shown the apostrophe as it is): no markup characters but the apostrophe.
admin-survey-official-login = Official's login
admin-survey-grant = Give access
admin-survey-recent = Recent changes

## The confirmation of a lifecycle action.

admin-confirm-yes = Yes, { $action }
admin-action-open = Open the survey
admin-action-open-text = Respondents will be able to answer the current version from now on.
admin-action-close = Close the survey
admin-action-close-text = No more answers will be accepted; respondents in the middle of the form cannot finish.
admin-action-publish = Publish the results
admin-action-publish-text = The summary becomes public at /results/… and in the API, for anyone.
admin-action-unpublish = Unpublish the results
admin-action-unpublish-text = The public results page and API stop showing the summary.

## Uploading a survey definition.

admin-upload-title = New survey or version
admin-upload-heading = New survey or new version
admin-upload-intro = Upload or paste a survey definition (YAML). A definition whose
admin-upload-intro-end = {" "}already exists becomes the next version of that survey. Nothing is stored until you have seen the preview and confirmed.
admin-upload-problems = { $count } problem(s) found — nothing was stored
admin-upload-file = YAML file, or an XLSForm (.xlsx)
admin-upload-paste = …or paste the definition
admin-upload-submit = Check and preview
admin-upload-nothing = choose a YAML file or paste the definition

## The preview of a survey as respondents see it.

admin-preview-title = Preview finished
admin-preview-bar = Preview
admin-preview-of = of { $label } — exactly as a respondent sees it; answers given here are checked but never stored.
admin-preview-restart = Start again
admin-preview-new-survey = A new survey.
admin-preview-next-version = Will become version { $version } of an existing survey ({ $status })
admin-preview-live = — it is open: respondents starting after you store it get this version
admin-preview-uploaded = Uploaded by { $login } from { $source }.
admin-preview-label-upload = { $slug } version { $version } (not stored yet)
admin-preview-label-version = { $slug } version { $version } ({ $status })
admin-preview-end = End of the preview
admin-preview-thank-you = Respondents now see the thank-you page
admin-preview-thank-you-text = Respondents now see the thank-you page: “{ $text }”
admin-preview-nothing-stored = Nothing was stored.
admin-preview-answers = Answers given in the preview
admin-preview-question = Question
admin-preview-stored-as = Answer
admin-preview-again = Preview again

## The fieldwork monitor.

admin-monitor-title = Fieldwork: { $survey }
admin-monitor-manage = manage
admin-monitor-started = Started
admin-monitor-complete = Complete
admin-monitor-partial = Partial
admin-monitor-screened-out = Screened out
admin-monitor-completion = Completion rate
admin-monitor-duration = Median duration
admin-monitor-minutes = { $duration } min
admin-monitor-per-day = Responses per day
admin-monitor-chart-title = Started (light) and completed (dark) responses per day, { $first } to { $last }
admin-monitor-bar-title = { $date }: { $started } started, { $completed } completed
admin-monitor-tallest = tallest bar
admin-monitor-legend = Light: started, dark: completed.
admin-monitor-table = Table
admin-monitor-date = Date
admin-monitor-completed = Completed
admin-monitor-no-responses = No responses yet.
admin-monitor-dropoff = Drop-off by page
admin-monitor-page = Page
admin-monitor-reached = Reached
admin-monitor-stopped = Stopped here
admin-monitor-drop-rate = Drop rate
admin-monitor-representativeness = Representativeness
admin-monitor-weighted-now = If weighted now ({ $method ->
        [raking] { methodology-method-raking }
        [poststratify] { methodology-method-poststratify }
        [linear] { methodology-method-linear }
        [logit] { methodology-method-logit }
       *[other] { $method }
    }):
admin-monitor-weighting-impossible = weighting is not possible yet:
admin-monitor-deff = design effect
admin-monitor-effective-n = effective sample size
admin-monitor-of = of { $count }
admin-monitor-weights = weights
admin-monitor-under = Most under-represented groups
admin-monitor-under-item = { $sample } of sample, { $population } of population ({ $count ->
        [one] { $count } respondent
       *[other] { $count } respondents
    })
admin-monitor-category = Category
admin-monitor-respondents = Respondents
admin-monitor-sample = Sample
admin-monitor-population = Population
admin-monitor-gap = Gap
admin-monitor-no-weighting = This survey has no weighting scheme with population figures, so there is nothing to compare with.

## Population files.

admin-populations-heading = Populations
admin-populations-intro = Population files give the figures surveys are weighted to. A definition names one as
admin-populations-intro-end = ; the figures are copied into each survey version when it is stored, so replacing a file changes only versions stored afterwards.
admin-populations-problems = Problems — nothing was stored
admin-populations-path = Path
admin-populations-name = Name
admin-populations-total = Total
admin-populations-variables = Variables
admin-populations-origin = Origin
admin-populations-used-by = Used by
admin-populations-by = by { $login }
admin-populations-origin-uploaded = uploaded
admin-populations-origin-example = example
admin-populations-upload = Upload a population file
admin-populations-file = YAML file
admin-populations-paste = …or paste it:
admin-populations-file-name = file name
admin-populations-text = Population YAML

## Users.

admin-users-heading = Users
admin-users-login = Login
admin-users-role = Role
admin-users-state = State
admin-users-since = Since
admin-users-change = Change
admin-users-you = (you)
admin-users-disabled = disabled
admin-users-active = active
admin-users-set-role = set role
admin-users-enable = enable
admin-users-disable = disable
admin-users-new-password = New password
admin-users-new-password-placeholder = new password
admin-users-set-password = set password
admin-users-add-heading = Add a user
admin-users-password = Password (at least { $min } characters)
admin-users-add = Add
admin-users-roles-hint = admin: users and everything else · sociologist: surveys, microdata, unpublished results · official: published results and those of surveys they were given access to.

## The audit log.

admin-audit-heading = Audit log
admin-audit-survey = Survey
admin-audit-who = Who
admin-audit-filter = Filter
admin-audit-when = When (UTC)
admin-audit-what = What
admin-audit-version = Version
admin-audit-detail = Detail

## Requests the workbench refuses (shown on the error page).

admin-error-form-unreadable = the form data could not be read; please send it again
admin-error-form-too-large = the form is larger than { $kib } KiB
admin-error-upload-too-large = the upload is larger than { $kib } KiB
admin-error-no-boundary = the upload has no multipart boundary
admin-error-bad-multipart = the upload is not valid multipart/form-data; please send it again
admin-error-upload-action = unknown action '{ $action }': use store, store_open or discard
admin-error-status-action = unknown action '{ $action }': use open, close, publish_results or unpublish_results
admin-error-not-confirmed = the action was not confirmed: use the confirmation page
admin-error-unknown-action = unknown action '{ $action }'
admin-error-access-action = unknown action: use grant or revoke

## The error page (every visitor may see it): its title per HTTP status, and the way back.

error-title-400 = Bad Request
error-title-403 = Forbidden
error-title-404 = Not Found
error-title-409 = Conflict
error-title-413 = Payload Too Large
error-title-422 = Unprocessable Entity
error-title-429 = Too Many Requests
error-title-500 = Internal Server Error
error-title-503 = Service Unavailable
error-title-other = Error
error-back = Back to the list of surveys
error-results = Published results
error-text-403 = You may not open this page.
error-text-404 = There is no such page: the link may be out of date or mistyped.
error-text-429 = Too many requests from your address in a short time. Wait a minute and try again.
error-text-500 = Something went wrong on our side. Please try again later.
error-text-503 = The service is temporarily unavailable; please try again in a minute.
admin-monitor-drop-bar = Drop-off compared with the other pages
admin-preview-missing-translations = Texts missing in a listed language (readers of that language will see the default language's text):
admin-upload-allow-missing-texts = Accept a definition that lacks some texts in one of its listed languages
admin-upload-allow-missing-texts-hint = Without this tick such a definition is refused. With it, readers of that language see the default language's text there.
admin-upload-missing-texts-note = The definition lacks texts in one of the languages listed in languages (listed above). Add them, or tick "Accept a definition that lacks some texts" and send it again.
error-detail-unknown-breakdown = '{ $variable }' is not a breakdown variable of this survey (a single-choice or scale question or a derived variable); valid: { $valid }
error-detail-bad-filter = '{ $filter }' is not a filter: write VAR:CODE[,VAR:CODE…], e.g. sex:f,age_group:60+
error-detail-unknown-filter-variable = '{ $variable }' cannot filter this survey (a single-choice or scale question or a derived variable); valid: { $valid }
error-detail-unknown-code = '{ $code }' is not a code of '{ $variable }'; valid: { $valid }
error-detail-by2-without-by = a two-way breakdown (by2 = '{ $by2 }') needs a first breakdown variable (by)
error-detail-unknown-survey = no survey with slug '{ $slug }'
error-detail-unknown-version = survey '{ $slug }' has no version { $version }
error-detail-bad-transition = survey '{ $slug }' cannot go from { $from } to { $to }
error-detail-bad-role = unknown role '{ $role }': use admin, sociologist or official
error-detail-bad-login = invalid login '{ $login }': use 2 to 64 letters, digits, '.', '_', '-' or '@'
error-detail-weak-password = the password is too short: use at least { $min } characters
error-detail-long-password = the password is too long: use at most { $max } characters
error-detail-login-taken = a user with login '{ $login }' already exists
error-detail-last-admin = this would leave no active admin: make another user admin first
error-detail-unknown-user = no user with login '{ $login }'
error-detail-unknown-upload = this upload no longer exists (it was stored or discarded); upload the definition again
error-detail-export-changed = the responses of '{ $slug }' changed while they were exported (the weights depend on every response); export again
error-detail-unknown-dialect = unknown CSV dialect '{ $dialect }' (known: standard, excel-ru)
error-detail-closed-on = '{ $slug }' closed on { $closed } (its `closes` date); store a new version with a later `closes` date to extend fieldwork
error-detail-population-file-name = file name '{ $name }': use letters, digits, '.', '_' or '-', ending in .yaml
error-detail-not-official = '{ $login }' is { $role }: access to unpublished results is given to officials only (other roles see them anyway)
error-detail-not-published = the results of '{ $slug }' are not published
error-detail-microdata-forbidden = microdata (one row per respondent) can be downloaded by staff only; the summary tables are at the same address without ?data=microdata
# The audit log's actions (the stored code, with '.' written as '-').
admin-audit-action-login = Signed in
admin-audit-action-logout = Signed out
admin-audit-action-user-add = User added
admin-audit-action-user-set_role = Role changed
admin-audit-action-user-set_password = Password changed
admin-audit-action-user-enable = User enabled
admin-audit-action-user-disable = User disabled
admin-audit-action-upload-discard = Upload discarded
admin-audit-action-population-upload = Population uploaded
admin-audit-action-survey-create = Survey created
admin-audit-action-survey-new_version = New survey version
admin-audit-action-survey-open = Survey opened
admin-audit-action-survey-close = Survey closed
admin-audit-action-survey-auto_close = Survey closed on its end date
admin-audit-action-results-publish = Results published
admin-audit-action-results-unpublish = Results unpublished
admin-audit-action-results-grant = Results access granted
admin-audit-action-results-revoke = Results access revoked
admin-audit-action-response-exclude = Response excluded
admin-audit-action-response-keep = Response kept
admin-audit-action-coding-code = Answer coded
admin-audit-action-coding-code_second = Answer coded by a second coder
admin-audit-action-coding-resolve = Coders' disagreement resolved
admin-audit-action-coding-bulk = Code applied by a rule
admin-audit-action-coding-codebook = Codebook changed
admin-audit-action-coding-quote = Quote published
admin-audit-action-coding-unquote = Quote withdrawn
