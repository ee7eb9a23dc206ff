# Проверка качества анкет в рабочем месте, исходы полевого этапа на мониторе и что сводки сообщают об
# исключённых анкетах.

quality-title = Качество анкет: { $survey }
quality-link = Качество анкет
quality-intro = Признаки вычисляются для каждой полной анкеты. Признак — повод посмотреть, а не приговор: анкета не выходит из сводок, пока вы её не исключите, если только описание опроса не исключает признак само ({ $auto }). Исключённые анкеты остаются в базе и в выгрузке микроданных.
quality-auto-none = автоматически ничего не исключается
quality-flagged = С признаками
quality-excluded-now = Не входят в сводки
quality-none = Нет полных анкет с признаками или решениями.
quality-response = Анкета
quality-flags = Признаки
quality-evidence = Почему
quality-decision = Решение
quality-reason = Причина
quality-select = Выбрать
quality-decide-heading = Решение по выбранным анкетам
quality-exclude = Исключить из сводок
quality-keep = Оставить в сводках (вернуть)
quality-state-excluded = исключена
quality-state-kept = оставлена
quality-state-auto = исключена правилами опроса
quality-state-open = не проверена
quality-by = { $who }
quality-flag-speeders = слишком быстро
quality-flag-straight_lining = одинаковые ответы в таблице
quality-flag-duplicates = дубликат
quality-flag-gibberish = бессмыслица в открытом ответе
quality-error-reason = Укажите причину решения (не более { $max } символов).
quality-error-none-selected = Выберите хотя бы одну анкету.
quality-error-decision = Выберите: исключить анкеты или оставить.

# Что страница методики сообщает об исключённых анкетах.
quality-methodology-heading = Проверка качества анкет
quality-methodology-none = После проверки качества ни одна полная анкета не исключена из оценок.
quality-methodology-excluded = После проверки качества из оценок { $total ->
    [one] исключена { $total } полная анкета
    [few] исключены { $total } полные анкеты
    [many] исключено { $total } полных анкет
   *[other] исключено { $total } полной анкеты
}: { $reasons }. В микроданных они остаются.
quality-methodology-reviewed = { $reason } (решение социолога): { $count }
quality-methodology-automatic = { $flag } (по правилам опроса): { $count }

# Исходы полевого этапа на мониторе.
quality-outcomes = Исходы полевого этапа
quality-outcomes-note = Исходы по стандартным определениям AAPOR. Открыли — новые респонденты, которым показана первая страница; отказались на первой странице — открыли, но не отправили её.
quality-disposition = Исход
quality-count = Число
quality-disposition-invited = Приглашены
quality-disposition-opened = Открыли
quality-disposition-refused = Отказались на первой странице
quality-disposition-partial = Прервали анкету
quality-disposition-complete = Заполнили полностью
quality-disposition-screened_out = Отсеяны квотой
quality-disposition-excluded = Исключены проверкой качества
quality-completion-rate = Доля завершённых
quality-breakoff-rate = Доля прерванных
quality-rr1 = AAPOR RR1
quality-rr2 = AAPOR RR2
quality-rates-invitation-only = Коэффициенты отклика считаются для опросов только по приглашениям, где известно число приглашённых.
quality-channels = Каналы
quality-channel = Канал (?src=)
quality-quota-fill = Заполнение квот
quality-quota-cell = Ячейка
quality-quota-limit = Предел
quality-quota-completes = Заполнено
quality-quota-full = Заполнено, %
quality-quota-near = почти заполнена
quality-no-quotas = У этого опроса нет квот.
