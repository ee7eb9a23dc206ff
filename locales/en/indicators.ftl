# The risk calendar: indicators by district and wave.
indicators-title = Risk calendar
indicators-intro = The region's indicators by district and survey wave. A cell's colour is its status: fine, watch or alert.
indicators-indicator = Indicator
indicators-district = District
indicators-wave = Wave
indicators-status-fine = fine
indicators-status-watch = watch
indicators-status-alert = alert
indicators-status-no_data = no data
indicators-source-direct = direct estimate
indicators-source-direct_thin = direct estimate from a thin sample
indicators-source-eblup = model-based (small-area) estimate
indicators-source-synthetic = model-based estimate: nobody was interviewed in the district
indicators-interval = 95% interval
indicators-respondents = respondents
indicators-map = District map
indicators-map-caption = One tile per district; the colour is its status in wave { $wave }.
indicators-series = Series by district
indicators-direct = Direct
indicators-model = Model
indicators-shrinkage = weight of the direct estimate
indicators-no-waves = No survey asks this question yet.
indicators-no-model = No small-area model: { $reason }
indicators-alerts = Alerts
indicators-no-alerts = No alerts.
indicators-reason-alert_level = past the alert level
indicators-reason-watch_level = past the watch level
indicators-reason-significant_worsening = significantly worse than the previous wave
indicators-reason-zero_variance = no interval: answers do not vary
indicators-webhooks = Notification delivery
indicators-webhook-failed = Not delivered after { $attempts } attempts: { $error }
indicators-feed = Alerts feed (Atom)
indicators-all = All indicators
indicators-method-title = How to read the calendar
indicators-method =
    For each district and wave the page shows the survey's direct estimate from the district's residents,
    with its 95% interval. Where few people were interviewed in a district (fewer than { $thin }), the headline
    figure is a small-area model estimate (the Fay–Herriot model): it combines the district's answers with
    what is known about similar districts (such as the urban share) and leans on the model the more, the
    smaller the sample. Where nobody was interviewed, the figure is entirely model-based. Model-based figures
    are marked. An alert is a value past the alert level, or a significant worsening since the previous wave
    (a difference larger than the samples' chance variation explains, p < 0.05).
indicators-email-subject = Opros alert: { $indicator } — { $district }, { $wave }
indicators-email-body =
    Risk calendar alert.

    Indicator: { $indicator } ({ $indicator_id })
    District: { $district }
    Wave: { $wave } (survey { $survey })
    Value: { $value }, 95% interval { $low } – { $high } ({ $source })
    Why: { $reasons }

    The calendar: /indicators?indicator={ $indicator_id }
indicators-webhook-retrying = Failing, retried later (attempts so far: { $attempts }): { $error }
indicators-method-model =
    How the model works, in plain words: it first predicts each district's value from the official
    statistics about it (a regression across the region's districts). It then mixes this prediction with
    the district's own survey result. The mixing weight — "weight of the direct estimate" on the indicator
    page, between 0 and 1 — is large when the district's sample is large and its estimate precise, and small
    when the sample is thin; with nobody interviewed the prediction alone is used. The model's interval
    accounts for the uncertainty of the prediction too, so it is honest but often narrower than the thin
    sample's own interval. When the districts differ no more than sampling error explains, or there are too
    few districts with answers, the model is not used and the page says why.
