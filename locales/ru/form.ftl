# The resident's form: messages next to fields, and the fixed words of the form pages.
# Survey texts (titles, questions, options) stay in the survey definitions.

## Problems with an answer, shown next to the field and in the error summary.

problem-required = Ответьте, пожалуйста, на этот вопрос.
problem-one-value = Выберите только один ответ.
problem-unknown-option = Варианта «{ $code }» нет в этом вопросе.
problem-too-many-choices = Можно выбрать не больше { $max }.
problem-too-few-choices = Выберите не меньше { $min }.
problem-exclusive = Ответ «{ $label }» нельзя сочетать с другими.
problem-not-a-number = Введите число, например 42.
problem-not-integer = Введите целое число.
problem-below-min = Число должно быть не меньше { $min }.
problem-above-max = Число должно быть не больше { $max }.
problem-too-long = Текст слишком длинный: { $len ->
        [one] { $len } знак
        [few] { $len } знака
       *[many] { $len } знаков
    }, можно не больше { $max }.
problem-not-a-date = Введите дату в виде ДД.ММ.ГГГГ, например 01.03.2026.
problem-date-before = Дата должна быть не раньше { $date }.
problem-date-after = Дата должна быть не позже { $date }.
problem-rank-not-number = Места обозначьте числами: 1, 2, 3…
problem-rank-out-of-range = Место должно быть от 1 до { $max }.
problem-rank-duplicate = Место { $rank } указано дважды.
problem-rank-all = Расставьте места для всех вариантов.
problem-matrix-incomplete = Ответьте на каждую строку.
problem-points-not-whole = Введите целое число не меньше 0.
problem-points-sum = Сумма баллов должна быть { $total }, сейчас { $sum }.
problem-unknown-field = Поле «{ $name }» не относится к этой странице опроса.
problem-unknown-fields = { $count ->
        [one] { $count } поле не относится
        [few] { $count } поля не относятся
       *[many] { $count } полей не относятся
    } к этой странице опроса (например, «{ $first }»).
problem-too-fast = Страница отправлена очень быстро. Проверьте, пожалуйста, ответы и отправьте ещё раз.

## The fixed words of the form pages (templates read them as `ui.<key>`).

ui-next = Далее
ui-back = Назад
ui-finish = Отправить ответы
ui-page_of = Страница
ui-of = из
ui-required = обязательный вопрос
ui-errors_heading = Проверьте ответы
ui-errors_intro = На странице есть ошибки:
ui-choose_up_to = Можно выбрать не больше
ui-other_specify = Уточните
ui-hard_to_say = Затрудняюсь ответить
ui-rank_hint = Поставьте 1 у самого важного, 2 у следующего и так далее.
ui-up = Выше
ui-down = Ниже
ui-sum_total = Итого:
ui-chars_left = осталось знаков:
ui-date_hint = ДД.ММ.ГГГГ
ui-resume = Можно прерваться и вернуться позже по этой ссылке:
ui-honeypot = Не заполняйте это поле
ui-row = Строка
ui-language = Язык
ui-thanks_heading = Спасибо!
ui-thanks_default = Ваши ответы сохранены.
ui-results_link = Результаты опроса
ui-back_to_list = К списку опросов
ui-already_heading = Вы уже ответили на этот опрос
ui-already_text = Ваши ответы сохранены. Спасибо за участие!
ui-screened_heading = Спасибо за интерес к опросу
ui-screened_text = У нас уже достаточно ответов от людей, похожих на вас. Спасибо, что уделили время!
ui-not_open_heading = Опрос ещё не начался
ui-not_open_text = Опрос начнётся
ui-not_open_soon = Загляните, пожалуйста, позже.
ui-closed_heading = Опрос завершён
ui-closed_text = Опрос больше не принимает ответы. Спасибо за интерес!
ui-csrf_heading = Страница устарела
ui-csrf_text = Мы не смогли принять ответы с этой страницы (например, она была открыта слишком давно или в браузере отключены cookie). Откройте опрос ещё раз и продолжите — уже сохранённые ответы не потеряются.
ui-continue = Продолжить опрос
ui-invitation_heading = Ссылка-приглашение недействительна
ui-invitation_text = Проверьте, что ссылка скопирована полностью. Этот опрос проводится только по приглашениям.
ui-rejected_heading = Ответ не принят
ui-rejected_text = Форма заполнена так, как её заполняют программы-роботы. Если вы человек, вернитесь к опросу и отправьте страницу ещё раз.
ui-rate_heading = Слишком много запросов
ui-rate_text = С вашего адреса пришло слишком много ответов за минуту. Подождите минуту и отправьте страницу ещё раз.
ui-too_large_heading = Слишком много данных
ui-too_large_text = Страница прислала больше данных, чем может быть в ответе. Вернитесь к опросу и отправьте страницу ещё раз.
ui-bad_request_heading = Ответ не принят

## The list of open surveys.

index-title = Опросы
index-heading = Открытые опросы
index-empty = Сейчас нет открытых опросов.
index-closes = до
