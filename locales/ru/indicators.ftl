# Календарь рисков: показатели по районам и волнам.
indicators-title = Календарь рисков
indicators-intro = Показатели области по районам и волнам опросов. Цвет клетки — состояние: норма, внимание или тревога.
indicators-indicator = Показатель
indicators-district = Район
indicators-wave = Волна
indicators-status-fine = норма
indicators-status-watch = внимание
indicators-status-alert = тревога
indicators-status-no_data = нет данных
indicators-source-direct = прямая оценка
indicators-source-direct_thin = прямая оценка по малой выборке
indicators-source-eblup = модельная оценка (малые области)
indicators-source-synthetic = модельная оценка: в районе нет опрошенных
indicators-interval = 95% интервал
indicators-respondents = опрошено
indicators-map = Карта районов
indicators-map-caption = Плитка — район; цвет — состояние в волне { $wave }.
indicators-series = Ряды по районам
indicators-direct = Прямая
indicators-model = Модель
indicators-shrinkage = вес прямой оценки
indicators-no-waves = Ни один опрос пока не задаёт этот вопрос.
indicators-no-model = Модель малых областей не построена: { $reason }
indicators-alerts = Тревоги
indicators-no-alerts = Тревог нет.
indicators-reason-alert_level = выше порога тревоги
indicators-reason-watch_level = за порогом внимания
indicators-reason-significant_worsening = значимое ухудшение с прошлой волны
indicators-reason-zero_variance = нет интервала: ответы не различаются
indicators-webhooks = Доставка уведомлений
indicators-webhook-failed = Не доставлено после { $attempts } попыток: { $error }
indicators-feed = Лента тревог (Atom)
indicators-all = Все показатели
indicators-method-title = Как читать календарь
indicators-method =
    Для каждого района и волны показана прямая оценка опроса по ответам жителей района с 95% интервалом.
    Если в районе опрошено мало людей (меньше { $thin }), главная цифра — модельная оценка малых областей
    (модель Фэя — Херриота): она объединяет ответы района с тем, что известно о похожих районах
    (например, доля городского населения), и тем сильнее опирается на модель, чем меньше выборка.
    В районах, где никого не опросили, цифра целиком модельная. Модельные цифры помечены.
    Тревога — значение за порогом тревоги или значимое ухудшение с прошлой волны
    (разность оценок больше, чем объясняется случайностью выборок, p < 0,05).
indicators-email-subject = Opros, тревога: { $indicator } — { $district }, { $wave }
indicators-email-body =
    Тревога в календаре рисков.

    Показатель: { $indicator } ({ $indicator_id })
    Район: { $district }
    Волна: { $wave } (опрос { $survey })
    Значение: { $value }, 95% интервал { $low } – { $high } ({ $source })
    Почему: { $reasons }

    Календарь: /indicators?indicator={ $indicator_id }
indicators-webhook-retrying = Не доставлено, будет повторено (попыток: { $attempts }): { $error }
indicators-method-model =
    Как работает модель, простыми словами: сначала она предсказывает значение для района по официальной
    статистике о нём (регрессия по районам области). Затем смешивает это предсказание с результатом опроса в
    самом районе. Вес смешивания — «вес прямой оценки» на странице показателя, от 0 до 1 — велик, когда в
    районе опрошено много людей и оценка точна, и мал, когда выборка мала; если в районе никого не опросили,
    используется одно предсказание. Интервал модели учитывает и неточность предсказания, поэтому он честен,
    но часто уже интервала малой выборки. Если районы различаются не больше, чем объясняет случайность
    выборки, или районов с ответами слишком мало, модель не применяется, и страница объясняет почему.
