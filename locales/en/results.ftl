# Results pages for officials: summaries, breakdowns, trends, methodology.

## The fixed words of the results pages (templates read them as `t.<key>`).

results-results = Survey results
results-respondents = Respondents
results-effective_n = effective sample size
results-field_dates = Fieldwork
results-topic = Topic
results-base = Base
results-base_note = respondents who answered
results-share = Share
results-interval = 95% interval
results-n = Answers
results-option = Answer
results-mean = Mean
results-median = Median
results-hard_to_say = Hard to say
results-suppressed = —
results-suppressed_reason = too few respondents to publish
results-breakdown = Breakdown
results-breakdown_none = no breakdown
results-all_respondents = All respondents
results-higher = significantly higher than in the other groups
results-lower = significantly lower than in the other groups
results-flags_note = ▲ / ▼: share significantly higher / lower than in the other groups (Rao–Scott cell test, Benjamini–Hochberg correction).
results-test_significant = The differences between groups are statistically significant
results-test_not_significant = The differences between groups are not statistically significant
results-multiple_note = Several answers were allowed, so the shares add up to more than 100%.
results-ranking_note = Share of respondents who ranked the option first.
results-answered_note = Open question: answers are not published in the summary.
results-matrix_note = Mean rating of each row with its 95% interval.
results-matrix_breakdown_note = Breakdowns of matrix rows are in the XLSX/CSV download.
results-weighted = Weighted
results-unweighted = Unweighted
results-weighted_to = to the population of
results-by_variables = by
results-methodology = Methodology and questionnaire
results-csv_excel_ru = CSV for Excel in the Russian locale (“;”, decimal comma)
results-downloads = Download tables
results-trend = This question over time
results-margin_note = The interval shows where the share in the whole population lies with 95% confidence.
results-chart_desc = Shares of answers with 95% intervals
results-mean_desc = Mean with its 95% interval
results-published_only = Published results
results-headline = Headline
results-year = Year
results-no_results = No results have been published yet.
results-wave = Wave
results-change = Change since the previous wave
results-significant_up = significant rise
results-significant_down = significant fall
results-not_significant = not significant
results-pp = pp

## The methodology page (templates read the words as `m.<key>`).

methodology-heading = Methodology
methodology-questionnaire = Questionnaire
methodology-version = Version
methodology-current = current
methodology-required = required
methodology-shown_if = asked if
methodology-weighting = Weighting
methodology-population = Population
methodology-source = Source
methodology-diagnostics = Sample and population before and after weighting
methodology-category = Category
methodology-n = Respondents
methodology-sample = Sample share (before)
methodology-weighted = After weighting
methodology-target = Population share
methodology-method = Method
methodology-iterations = Iterations
methodology-converged = Converged
methodology-max_gap = Largest remaining gap to the targets
methodology-deff = Design effect due to weighting (Kish)
methodology-effective_n = Effective sample size
methodology-weights = Weights: min / max / mean / coefficient of variation
methodology-trim = Weight trimming
methodology-excluded = Left out of weighting
methodology-margin = What the margin of error means
methodology-back = Back to the results
methodology-unweighted = This survey is not weighted.
methodology-suppression = Cells with fewer than { $min_cell } respondents are not published and shown as “—”.
methodology-margin-text = The margin of error is half the width of the 95% interval. With an effective sample size of { $effective_n } it is about ±{ $m50 } percentage points for a share of 50% and ±{ $m20 } points for a share of 20% among all respondents; it is larger in subgroups, which have fewer respondents. If the survey were repeated many times in the same way, 95 intervals in 100 would contain the share in the whole population. The intervals account for weighting (design effect { $deff }) but not for errors other than sampling: question wording, non-response, inaccurate answers.

## Other texts of the results pages.

results-min-cell-note = “—”: fewer than { $min_cell } respondents in the group, so the figure is not published.
results-trend-method = Each wave is weighted on its own. The change between consecutive waves is tested as a difference of independent estimates: z = (p₂ − p₁) / √(SE₁² + SE₂²); a change with p < 0.05 is significant (solid line), others are dashed. Shares are those of the results pages; the mean is on the scale without “hard to say”.

## Topic names (a topic without a name here is shown as the definition writes it).

topic-healthcare = Healthcare
topic-transport = Transport
topic-housing = Housing
topic-utilities = Utilities
topic-ecology = Ecology
topic-economy = Economy
topic-education = Education
results-suppressed_min_cell = too few respondents to publish
results-suppressed_no_answers = nobody answered
results-not_testable = No test of independence
results-not_testable_no_answers = nobody answered both questions
results-not_testable_single_row = all answers fall in one category of the question
results-not_testable_single_column = all answers fall in one group of the breakdown
results-not_testable_one_psu = all answers come from one sampling unit
results-not_testable_lonely_psu = a stratum has a single sampling unit, so the variance cannot be estimated
results-not_testable_degenerate_design = the design of this table is degenerate (no variation to test)
results-not_testable_same_variable = the question is the breakdown variable itself
results-not_testable_derived_variable = the breakdown variable is computed from the same question
results-interval_credibility = 95% credibility interval
results-margin_note_credibility = The respondents were not drawn at random, so the intervals are model-based credibility intervals: they assume the weighting makes the respondents represent the population (see the methodology).
methodology-margin-text-credibility = The intervals are 95% credibility intervals, not confidence intervals: the respondents chose to take part rather than being drawn at random, so no sampling theory says how often such intervals contain the population value. They are computed as for a random sample of the effective size { $effective_n } (about ±{ $m50 } percentage points for a share of 50% and ±{ $m20 } points for a share of 20% among all respondents; design effect of the weighting { $deff }) and are only as good as the assumption above. They leave out errors of question wording, non-response and inaccurate answers.
methodology-recruitment-probability = Respondents were drawn at random from a sampling frame, each with a known chance of selection.
methodology-recruitment-invited = Respondents were invited personally from a list that is not a random sample of the population.
methodology-recruitment-opt_in = Anyone with the survey's public link could answer: the respondents selected themselves (an opt-in sample).
methodology-assumption-weighted = The estimates assume that, once weighted by { $variables }, the respondents answer as the whole population would; differences not explained by these variables are not corrected.
methodology-assumption-unweighted = The estimates are not weighted: they assume the respondents answer as the whole population would, which nothing in the sample guarantees.

## The index of tracked questions (/trends).

trends-title = Questions over time
trends-intro = Questions asked in several waves, with their latest published value. Open one to see how it changed.
trends-empty = No tracked question has published results yet.
trends-waves = { $count ->
    [one] { $count } wave
   *[other] { $count } waves
}
results-trends_link = Questions over time
results-home_results = Published survey results

## Words of the methodology page: yes/no, weighting methods and question types.

methodology-yes = yes
methodology-no = no
methodology-method-raking = raking
methodology-method-poststratify = post-stratification
methodology-method-linear = linear calibration
methodology-method-logit = logit calibration
methodology-type-single_choice = single choice
methodology-type-multiple_choice = multiple choice
methodology-type-scale = scale
methodology-type-matrix = matrix
methodology-type-number = number
methodology-type-text = open text
methodology-type-ranking = ranking
methodology-type-date = date
methodology-type-constant_sum = constant sum
methodology-type-info = information
results-date_note = Date question: the dates given are not summarised on this page; they are in the downloads.
results-base-noun = { $count ->
    [one] respondent who answered
   *[other] respondents who answered
}
results-subgroup = Subgroup: { $terms } ({ $n ->
        [one] { $n } respondent
       *[other] { $n } respondents
    }). Estimates are for this group only, with the survey's full design.
results-suppressed_complementary = hidden so that a smaller group's figure cannot be recovered from the total
results-balance = Balance of opinions
results-balance-pp = pp
results-balance-note = The share who chose { $top } minus the share who chose { $bottom }, in percentage points.
results-index-note-mean = Index: the mean of { $count } items, for respondents who answered at least { $min } of them.
results-index-note-sum = Index: the sum of { $count } items, for respondents who answered at least { $min } of them (items not answered count as the mean of those answered).
methodology-indices = Indices
methodology-index-reversed = reverse-coded
methodology-index-alpha = Cronbach's α: { $alpha } (standardized { $std }), from { $n ->
        [one] { $n } respondent
       *[other] { $n } respondents
    } who answered every item.
methodology-index-alpha-one_item = Cronbach's α is not computable: the index has one item.
methodology-index-alpha-too_few_cases = Cronbach's α is not computable: fewer than two respondents answered every item.
methodology-index-alpha-zero_variance = Cronbach's α is not computable: the items' scores do not vary.
methodology-index-alpha-suppressed = Cronbach's α is not published: too few respondents answered every item.
model-title = Regression model
model-y = Outcome (y: a number or scale, or q=code for a logistic model)
model-x = Predictors (x: joined by +)
model-family = Model
model-family-linear = linear
model-family-logistic = logistic
model-filter = Subgroup (optional, VAR:CODE,…)
model-choices = Variables a model can use
model-fit = Fit the model
model-term = Term
model-estimate = Estimate
model-se = Standard error
model-interval = 95% interval
model-odds-ratio = Odds ratio (95% interval)
model-reference = vs { $code }
model-heading-linear = Linear model of { $outcome }: { $n } cases, { $df } degrees of freedom
model-heading-logistic = Logistic model of { $outcome }: { $n } cases, { $df } degrees of freedom
model-wald = Wald test of { $variable }: F = { $f } on { $ndf } and { $ddf } df, p = { $p }
model-wald-singular = Wald test of { $variable }: not estimable (singular covariance)
model-error-family = '{ $name }' is not a model family; valid: linear, logistic.
model-error-unknown = '{ $name }' is not a variable this model can use; valid: { $valid }.
model-error-unsupported = '{ $name }' is a { $kind } question, which cannot enter a model (use number, scale or choice questions).
model-error-categorical = '{ $name }' has categories: name one of them as { $name }=CODE (its 0/1 indicator).
model-error-repeated = '{ $name }' appears more than once in the model.
model-error-no-predictors = No predictors: give at least one in x, joined by +.
model-error-not-estimable = The model cannot be estimated: { $name }
model-error-other = { $name }
results-computed-at = Figures computed on { $at } UTC.

# The breakdown by the channel a respondent came from (?src= on the survey link).
results-channel-variable = Channel (link source)
results-design-weighted = Weighted by the sampling design's weights (column «{ $column }»); no weighting scheme.
