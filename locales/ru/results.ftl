# Results pages for officials: summaries, breakdowns, trends, methodology.

## The fixed words of the results pages (templates read them as `t.<key>`).

results-results = Результаты опросов
results-respondents = Опрошено
results-effective_n = эффективный размер выборки
results-field_dates = Сроки опроса
results-topic = Тема
results-base = База
results-base_note = ответивших на вопрос
results-share = Доля
results-interval = 95% интервал
results-n = Число ответов
results-option = Вариант ответа
results-mean = Среднее
results-median = Медиана
results-hard_to_say = Затруднились ответить
results-suppressed = —
results-suppressed_reason = меньше минимального числа ответивших для публикации
results-breakdown = Разрез
results-breakdown_none = без разреза
results-all_respondents = Все опрошенные
results-higher = значимо выше, чем в других группах
results-lower = значимо ниже, чем в других группах
results-flags_note = ▲ / ▼ — доля значимо выше / ниже, чем в остальных группах (тест Рао–Скотта по ячейкам, поправка Бенджамини–Хохберга).
results-test_significant = Различия между группами статистически значимы
results-test_not_significant = Различия между группами статистически не значимы
results-multiple_note = Можно было выбрать несколько вариантов, поэтому сумма долей больше 100%.
results-ranking_note = Доля опрошенных, поставивших вариант на первое место.
results-answered_note = Открытый вопрос: ответы не публикуются в сводке.
results-matrix_note = Средняя оценка по каждой строке с 95% интервалом.
results-matrix_breakdown_note = Разрезы по строкам матрицы — в выгрузке XLSX/CSV.
results-weighted = Данные взвешены
results-unweighted = Данные не взвешены
results-weighted_to = по населению
results-by_variables = по признакам
results-methodology = Методика и анкета
results-csv_excel_ru = CSV для Excel (разделитель «;», десятичная запятая)
results-downloads = Скачать таблицы
results-trend = Динамика этого вопроса
results-margin_note = Интервал показывает, в каких пределах с вероятностью 95% находится доля среди всего населения.
results-chart_desc = Доли ответов с 95% интервалами
results-mean_desc = Среднее с 95% интервалом
results-published_only = Опубликованные результаты
results-headline = Главное
results-year = Год
results-no_results = Опубликованных результатов пока нет.
results-wave = Волна
results-change = Изменение к прошлой волне
results-significant_up = значимый рост
results-significant_down = значимое снижение
results-not_significant = изменение незначимо
results-pp = п.п.

## The methodology page (templates read the words as `m.<key>`).

methodology-heading = Методика
methodology-questionnaire = Анкета
methodology-version = Версия
methodology-current = текущая
methodology-required = обязательный
methodology-shown_if = задаётся, если
methodology-weighting = Взвешивание
methodology-population = Генеральная совокупность
methodology-source = Источник
methodology-diagnostics = Выборка и население до и после взвешивания
methodology-category = Категория
methodology-n = Опрошено
methodology-sample = Доля в выборке (до)
methodology-weighted = После взвешивания
methodology-target = Доля в населении
methodology-method = Метод
methodology-iterations = Итераций
methodology-converged = Сошлось
methodology-max_gap = Наибольшее расхождение с целевыми долями
methodology-deff = Дизайн-эффект взвешивания (Киш)
methodology-effective_n = Эффективный размер выборки
methodology-weights = Веса: мин / макс / среднее / коэф. вариации
methodology-trim = Обрезка весов
methodology-excluded = Исключено из взвешивания
methodology-margin = Что означает погрешность
methodology-back = К результатам
methodology-unweighted = Опрос не взвешивается.
methodology-suppression = Ячейки, где меньше { $min_cell ->
        [one] { $min_cell } ответившего
       *[other] { $min_cell } ответивших
    }, не публикуются и показаны «—».
methodology-margin-text = Предел погрешности — половина ширины 95% интервала. При эффективном размере выборки { $effective_n } он составляет около ±{ $m50 } п.п. для доли 50% и ±{ $m20 } п.п. для доли 20% среди всех опрошенных; в подгруппах он больше, потому что ответивших меньше. Если бы опрос повторили много раз тем же способом, в 95 случаях из 100 интервал накрыл бы долю среди всего населения. Интервалы учитывают взвешивание (дизайн-эффект { $deff }), но не ошибки, не связанные с выборкой: формулировки вопросов, отказы от участия, неточные ответы.

## Other texts of the results pages.

results-min-cell-note = «—»: в группе меньше { $min_cell ->
        [one] { $min_cell } ответившего
       *[other] { $min_cell } ответивших
    }, данные не публикуются.
results-trend-method = Каждая волна взвешена отдельно. Изменение между соседними волнами проверяется как разность независимых оценок: z = (p₂ − p₁) / √(SE₁² + SE₂²); значимым считается изменение при p < 0,05 (сплошная линия), незначимое показано пунктиром. Доли — как на страницах результатов, среднее — по шкале без «затрудняюсь ответить».

## Topic names (a topic without a name here is shown as the definition writes it).

topic-healthcare = Здравоохранение
topic-transport = Транспорт
topic-housing = Жильё и ЖКХ
topic-utilities = Коммунальные услуги
topic-ecology = Экология
topic-economy = Экономика
topic-education = Образование
results-suppressed_min_cell = меньше минимального числа ответивших для публикации
results-suppressed_no_answers = никто не ответил
results-not_testable = Проверка независимости невозможна
results-not_testable_no_answers = никто не ответил на оба вопроса
results-not_testable_single_row = все ответы попали в один вариант вопроса
results-not_testable_single_column = все ответы попали в одну группу разбивки
results-not_testable_one_psu = все ответы получены в одной единице выборки
results-not_testable_lonely_psu = в страте одна единица выборки, дисперсию оценить нельзя
results-not_testable_degenerate_design = план этой таблицы вырожден (нет изменчивости для проверки)
results-not_testable_same_variable = вопрос совпадает с переменной разбивки
results-not_testable_derived_variable = переменная разбивки вычислена из того же вопроса
results-interval_credibility = 95%-й интервал доверия модели
results-margin_note_credibility = Респонденты не отбирались случайно, поэтому интервалы модельные (интервалы доверия модели): они предполагают, что взвешивание делает ответивших представительными для населения (см. методику).
methodology-margin-text-credibility = Интервалы — 95%-е модельные интервалы (credibility intervals), а не доверительные: респонденты сами решили участвовать, а не были отобраны случайно, поэтому никакая теория выборки не говорит, как часто такие интервалы содержат значение для всего населения. Они рассчитаны как для случайной выборки эффективного размера { $effective_n } (около ±{ $m50 } процентного пункта для доли 50% и ±{ $m20 } для доли 20% среди всех ответивших; эффект дизайна от взвешивания { $deff }) и верны лишь настолько, насколько верно допущение выше. Они не учитывают ошибки формулировок, неответов и неточных ответов.
methodology-recruitment-probability = Респонденты отобраны случайно из основы выборки, у каждого известная вероятность попасть в выборку.
methodology-recruitment-invited = Респонденты приглашены лично по списку, который не является случайной выборкой из населения.
methodology-recruitment-opt_in = Ответить мог любой, у кого была открытая ссылка на опрос: респонденты отобрали себя сами (выборка добровольцев).
methodology-assumption-weighted = Оценки предполагают, что после взвешивания по переменным { $variables } ответившие отвечают так же, как всё население; различия, не объяснённые этими переменными, не исправляются.
methodology-assumption-unweighted = Оценки не взвешены: они предполагают, что ответившие отвечают так же, как всё население, чего выборка не гарантирует.

## The index of tracked questions (/trends).

trends-title = Вопросы в динамике
trends-intro = Вопросы, которые задавались в нескольких волнах, с последним опубликованным значением. Откройте вопрос, чтобы увидеть, как оно менялось.
trends-empty = Пока нет опубликованных результатов по отслеживаемым вопросам.
trends-waves = { $count ->
    [one] { $count } волна
    [few] { $count } волны
    [many] { $count } волн
   *[other] { $count } волны
}
results-trends_link = Вопросы в динамике
results-home_results = Результаты опросов

## Words of the methodology page: yes/no, weighting methods and question types.

methodology-yes = да
methodology-no = нет
methodology-method-raking = рейкинг
methodology-method-poststratify = постстратификация
methodology-method-linear = линейная калибровка
methodology-method-logit = логит-калибровка
methodology-type-single_choice = один ответ
methodology-type-multiple_choice = несколько ответов
methodology-type-scale = шкала
methodology-type-matrix = таблица оценок
methodology-type-number = число
methodology-type-text = открытый ответ
methodology-type-ranking = ранжирование
methodology-type-date = дата
methodology-type-constant_sum = распределение суммы
methodology-type-info = информация
results-date_note = Вопрос о дате: указанные даты на этой странице не сводятся; они есть в выгрузках.
results-base-noun = { $count ->
    [one] ответивший
    [few] ответивших
    [many] ответивших
   *[other] ответившего
}
results-subgroup = Подгруппа: { $terms } ({ $n ->
        [one] { $n } респондент
        [few] { $n } респондента
        [many] { $n } респондентов
       *[other] { $n } респондента
    }). Оценки относятся только к этой группе; используется полный дизайн выборки.
results-suppressed_complementary = скрыто, иначе значение малой группы можно было бы вычислить из итога
results-balance = Баланс мнений
results-balance-pp = п. п.
results-balance-note = Доля выбравших { $top } минус доля выбравших { $bottom }, в процентных пунктах.
results-index-note-mean = Индекс: среднее по пунктам ({ $count }) у ответивших хотя бы на { $min } из них.
results-index-note-sum = Индекс: сумма пунктов ({ $count }) у ответивших хотя бы на { $min } из них (пропущенный пункт считается как среднее отвеченных).
methodology-indices = Индексы
methodology-index-reversed = обратная шкала
methodology-index-alpha = α Кронбаха: { $alpha } (стандартизованная { $std }), по { $n ->
        [one] { $n } респонденту, ответившему
       *[other] { $n } респондентам, ответившим
    } на все пункты.
methodology-index-alpha-one_item = α Кронбаха не вычисляется: в индексе один пункт.
methodology-index-alpha-too_few_cases = α Кронбаха не вычисляется: на все пункты ответили меньше двух респондентов.
methodology-index-alpha-zero_variance = α Кронбаха не вычисляется: баллы пунктов не различаются.
methodology-index-alpha-suppressed = α Кронбаха не публикуется: на все пункты ответили слишком мало респондентов.
model-title = Регрессионная модель
model-y = Отклик (y: число или шкала, или q=код для логистической модели)
model-x = Предикторы (x: через +)
model-family = Модель
model-family-linear = линейная
model-family-logistic = логистическая
model-filter = Подгруппа (необязательно, ПЕРЕМЕННАЯ:КОД,…)
model-choices = Переменные, доступные модели
model-fit = Оценить модель
model-term = Член модели
model-estimate = Оценка
model-se = Стандартная ошибка
model-interval = 95% интервал
model-odds-ratio = Отношение шансов (95% интервал)
model-reference = против { $code }
model-heading-linear = Линейная модель для { $outcome }: наблюдений { $n }, степеней свободы { $df }
model-heading-logistic = Логистическая модель для { $outcome }: наблюдений { $n }, степеней свободы { $df }
model-wald = Тест Вальда для { $variable }: F = { $f } при { $ndf } и { $ddf } ст. св., p = { $p }
model-wald-singular = Тест Вальда для { $variable }: не вычисляется (вырожденная ковариация)
model-error-family = «{ $name }» — не вид модели; допустимо: linear, logistic.
model-error-unknown = «{ $name }» — не переменная, доступная модели; допустимо: { $valid }.
model-error-unsupported = «{ $name }» — вопрос типа { $kind }, он не может входить в модель (используйте числа, шкалы и вопросы с выбором).
model-error-categorical = У «{ $name }» есть категории: укажите одну как { $name }=КОД (её индикатор 0/1).
model-error-repeated = «{ $name }» входит в модель больше одного раза.
model-error-no-predictors = Нет предикторов: укажите хотя бы один в x, через +.
model-error-not-estimable = Модель не может быть оценена: { $name }
model-error-other = { $name }
results-computed-at = Данные рассчитаны { $at } UTC.

# Разбивка по каналу, из которого пришёл респондент (?src= в ссылке на опрос).
results-channel-variable = Канал (источник ссылки)
results-design-weighted = Взвешено весами дизайна выборки (столбец «{ $column }»); схемы взвешивания нет.
