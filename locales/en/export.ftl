# Exports: the summary tables (CSV, XLSX) and the labels of the microdata files (XLSX, SPSS).

## Columns of the summary tables.

export-col-question = question
export-col-question-text = question text
export-col-breakdown = breakdown
export-col-category = category
export-col-code = code
export-col-option = option
export-col-value = value (% or mean)
export-col-ci-low = 95% CI low
export-col-ci-high = 95% CI high
export-col-n = n
export-col-base = base
export-col-significant = significant
export-col-note = note

## Rows and notes of the summary tables.

export-suppressed-note = suppressed: fewer than { $min_cell } respondents
export-hard-to-say = hard to say
export-mean = mean
export-median = median
export-answered = answered
export-survey = survey
export-respondents = respondents
export-effective-n = effective sample size
export-unweighted = unweighted
export-weighting = weighting
export-intervals = intervals
export-cells-under = cells under
export-cells-suppressed = respondents suppressed (—)
export-xlsx-note = Shares in %, 95% confidence intervals. Cells with fewer than { $min_cell } respondents are suppressed (—).

## The variables sheet of the XLSX microdata.

export-var-variable = variable
export-var-type = type
export-var-question-text = question text
export-var-code = code
export-var-value = value label
export-var-weight = final weight of the respondent (empty: excluded from weighting)
export-var-codes = codes separated by ;
export-var-ranked-codes = codes by rank, separated by ;

## Value labels of the SPSS file.

export-spss-not-asked = not asked
export-spss-no-answer = no answer
export-spss-chosen = chosen
export-spss-not-chosen = not chosen
export-spss-not-ranked = not ranked
export-spss-weight = final weight
export-col-suppressed-reason = suppressed reason
export-suppressed-no-answers = suppressed: nobody answered
export-suppressed-complementary = suppressed: hidden so that a smaller group's figure cannot be recovered from the total
export-spss-quality-flags = quality screening flags
export-spss-quality-decision = quality screening decision
