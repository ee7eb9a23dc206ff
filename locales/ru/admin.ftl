# The staff pages: the workbench under /admin, the sign-in page, staff messages, and the error page.
# Staff pages put HTML (links, <code>) around the messages, never inside them.

## The workbench navigation, shown on every workbench page.

admin-nav-label = Рабочее место
admin-nav-surveys = Опросы
admin-nav-new = Новый опрос / версия
admin-nav-populations = Генеральные совокупности
admin-nav-users = Пользователи
admin-nav-audit = Журнал действий
admin-nav-results = Результаты
admin-nav-sign-out = Выйти

## Names of the staff roles and of the survey states, as staff see them.

admin-role-admin = администратор
admin-role-sociologist = социолог
admin-role-official = представитель власти
admin-status-draft = черновик
admin-status-open = открыт
admin-status-closed = закрыт

## Words shared by several workbench pages.

admin-back = Вернуться на рабочее место
admin-none = Нет.
admin-nothing-stored = ничего не сохранено
admin-question = вопрос
admin-published = опубликованы
admin-not-published = не опубликованы
admin-store = Сохранить
admin-store-as-draft = Сохранить как черновик
admin-store-and-open = Сохранить и открыть
admin-discard = Отменить загрузку
admin-cancel = Отмена
admin-check-and-store = Проверить и сохранить

## Staff messages: a page a staff member is not allowed to see, an expired form.

admin-not-allowed = Нет доступа
admin-not-allowed-text = Ваша роль ({ $role }) не даёт доступа к этой странице: нужна роль «{ $needed }» или выше. Если доступ нужен, обратитесь к администратору.
admin-form-expired = Форма устарела
admin-form-expired-heading = Эта форма устарела
admin-form-expired-text = Форма отправлена не из текущего сеанса (она слишком старая или пришла с другого сайта). Вернитесь назад, обновите страницу и отправьте форму ещё раз.

## The sign-in page.

admin-login-title = Вход для сотрудников
admin-login-login = Логин
admin-login-password = Пароль
admin-login-submit = Войти
admin-login-hint = Учётные записи создаёт администратор (первую — командой
admin-login-hint-end = ).
admin-login-bad-credentials = Неверный логин или пароль.
admin-login-throttled = Слишком много неудачных попыток входа. Подождите 15 минут и попробуйте снова или обратитесь к администратору.
admin-login-expired = Форма входа устарела или отправлена не с этого сайта. Войдите ещё раз.

## The survey list (/admin).

admin-list-title = Рабочее место
admin-list-heading = Опросы
admin-list-survey = Опрос
admin-list-status = Состояние
admin-list-version = Версия
admin-list-complete = Полные
admin-list-partial = Неполные
admin-list-field-dates = Сроки опроса
admin-list-results = Результаты
admin-list-links = Ссылки
admin-list-manage = управление
admin-list-fieldwork = ход опроса
admin-list-preview = предпросмотр
admin-list-form = анкета
admin-list-results-link = результаты
admin-list-empty = Опросов пока нет.
admin-list-upload = Загрузить описание опроса

## One survey (/admin/surveys/SLUG).

admin-survey-version = версия { $version }
admin-survey-results = результаты
admin-survey-field-dates = Сроки опроса:
admin-survey-closes-note = (опрос закрывается сам после даты
admin-survey-closes-note-end = ).
admin-survey-responses = Анкеты: полных — { $complete }, неполных — { $partial }, отсеяно — { $screened_out }.
admin-survey-actions = Действия
admin-survey-open = Открыть…
admin-survey-close = Закрыть…
admin-survey-publish = Опубликовать результаты…
admin-survey-unpublish = Снять результаты с публикации…
admin-survey-preview = Предпросмотр анкеты
admin-survey-monitor = Ход опроса
admin-survey-new-version = Загрузить новую версию
admin-survey-results-link = Результаты
admin-survey-versions = Версии
admin-survey-version-column = Версия
admin-survey-stored = Сохранена
admin-survey-from = Источник
admin-survey-current = (текущая)
admin-survey-officials = Представители власти с доступом к неопубликованным результатам
admin-survey-revoke = закрыть доступ
# Shown unescaped (the page has always shown the apostrophe as it is): no markup characters but the apostrophe.
admin-survey-official-login = Логин представителя власти
admin-survey-grant = Дать доступ
admin-survey-recent = Последние изменения

## The confirmation of a lifecycle action.

admin-confirm-yes = Да, { $action }
admin-action-open = Открыть опрос
admin-action-open-text = С этого момента респонденты смогут отвечать на текущую версию анкеты.
admin-action-close = Закрыть опрос
admin-action-close-text = Ответы больше не принимаются; респонденты, не дошедшие до конца анкеты, не смогут её закончить.
admin-action-publish = Опубликовать результаты
admin-action-publish-text = Сводка станет общедоступной на странице /results/… и в API.
admin-action-unpublish = Снять результаты с публикации
admin-action-unpublish-text = Общедоступная страница результатов и API перестанут показывать сводку.

## Uploading a survey definition.

admin-upload-title = Новый опрос или версия
admin-upload-heading = Новый опрос или новая версия
admin-upload-intro = Загрузите файл или вставьте текст описания опроса (YAML). Описание с уже существующим
admin-upload-intro-end = {" "}становится следующей версией этого опроса. Ничего не сохраняется, пока вы не посмотрите предпросмотр и не подтвердите.
admin-upload-problems = { $count ->
        [one] Найдена { $count } ошибка
        [few] Найдено { $count } ошибки
        [many] Найдено { $count } ошибок
       *[other] Найдено { $count } ошибки
    } — ничего не сохранено
admin-upload-file = Файл YAML или XLSForm (.xlsx)
admin-upload-paste = …или вставьте описание
admin-upload-submit = Проверить и посмотреть
admin-upload-nothing = выберите файл YAML или вставьте описание

## The preview of a survey as respondents see it.

admin-preview-title = Предпросмотр окончен
admin-preview-bar = Предпросмотр
admin-preview-of = — { $label }: анкета в точности такая, какой её видит респондент; ответы проверяются, но не сохраняются.
admin-preview-restart = Начать заново
admin-preview-new-survey = Новый опрос.
admin-preview-next-version = Станет версией { $version } существующего опроса ({ $status })
admin-preview-live = — опрос открыт: респонденты, начавшие после сохранения, получат эту версию
admin-preview-uploaded = Загрузил(а) { $login } из { $source }.
admin-preview-label-upload = { $slug }, версия { $version } (ещё не сохранена)
admin-preview-label-version = { $slug }, версия { $version } ({ $status })
admin-preview-end = Конец предпросмотра
admin-preview-thank-you = Теперь респондент видит страницу благодарности
admin-preview-thank-you-text = Теперь респондент видит страницу благодарности: «{ $text }»
admin-preview-nothing-stored = Ничего не сохранено.
admin-preview-answers = Ответы, данные в предпросмотре
admin-preview-question = Вопрос
admin-preview-stored-as = Ответ
admin-preview-again = Пройти предпросмотр ещё раз

## The fieldwork monitor.

admin-monitor-title = Ход опроса: { $survey }
admin-monitor-manage = управление
admin-monitor-started = Начато
admin-monitor-complete = Полные
admin-monitor-partial = Неполные
admin-monitor-screened-out = Отсеяно
admin-monitor-completion = Доля завершённых
admin-monitor-duration = Медианная длительность
admin-monitor-minutes = { $duration } мин
admin-monitor-per-day = Анкеты по дням
admin-monitor-chart-title = Начатые (светлые) и завершённые (тёмные) анкеты по дням, с { $first } по { $last }
admin-monitor-bar-title = { $date }: начато — { $started }, завершено — { $completed }
admin-monitor-tallest = самый высокий столбец
admin-monitor-legend = Светлые — начатые, тёмные — завершённые.
admin-monitor-table = Таблица
admin-monitor-date = Дата
admin-monitor-completed = Завершено
admin-monitor-no-responses = Анкет пока нет.
admin-monitor-dropoff = Отсев по страницам
admin-monitor-page = Страница
admin-monitor-reached = Дошли
admin-monitor-stopped = Остановились здесь
admin-monitor-drop-rate = Доля отсева
admin-monitor-representativeness = Репрезентативность
admin-monitor-weighted-now = Если взвесить сейчас ({ $method ->
        [raking] { methodology-method-raking }
        [poststratify] { methodology-method-poststratify }
        [linear] { methodology-method-linear }
        [logit] { methodology-method-logit }
       *[other] { $method }
    }):
admin-monitor-weighting-impossible = взвешивание пока невозможно:
admin-monitor-deff = эффект дизайна
admin-monitor-effective-n = эффективный объём выборки
admin-monitor-of = из { $count }
admin-monitor-weights = веса
admin-monitor-under = Самые недопредставленные группы
admin-monitor-under-item = { $sample } выборки, { $population } генеральной совокупности ({ $count ->
        [one] { $count } респондент
        [few] { $count } респондента
        [many] { $count } респондентов
       *[other] { $count } респондента
    })
admin-monitor-category = Категория
admin-monitor-respondents = Респонденты
admin-monitor-sample = Выборка
admin-monitor-population = Генеральная совокупность
admin-monitor-gap = Разница
admin-monitor-no-weighting = У этого опроса нет схемы взвешивания с данными о генеральной совокупности, поэтому сравнивать не с чем.

## Population files.

admin-populations-heading = Генеральные совокупности
admin-populations-intro = Файлы генеральных совокупностей содержат данные, по которым взвешиваются опросы. Описание опроса ссылается на файл так:
admin-populations-intro-end = ; данные копируются в каждую версию опроса при её сохранении, поэтому замена файла затрагивает только версии, сохранённые после неё.
admin-populations-problems = Ошибки — ничего не сохранено
admin-populations-path = Путь
admin-populations-name = Название
admin-populations-total = Всего
admin-populations-variables = Переменные
admin-populations-origin = Происхождение
admin-populations-used-by = Используется в
admin-populations-by = ({ $login })
admin-populations-origin-uploaded = загружен
admin-populations-origin-example = пример
admin-populations-upload = Загрузить файл генеральной совокупности
admin-populations-file = Файл YAML
admin-populations-paste = …или вставьте текст:
admin-populations-file-name = имя файла
admin-populations-text = YAML генеральной совокупности

## Users.

admin-users-heading = Пользователи
admin-users-login = Логин
admin-users-role = Роль
admin-users-state = Состояние
admin-users-since = С какого числа
admin-users-change = Изменить
admin-users-you = (вы)
admin-users-disabled = отключён
admin-users-active = активен
admin-users-set-role = сменить роль
admin-users-enable = включить
admin-users-disable = отключить
admin-users-new-password = Новый пароль
admin-users-new-password-placeholder = новый пароль
admin-users-set-password = сменить пароль
admin-users-add-heading = Добавить пользователя
admin-users-password = Пароль (не короче { $min ->
        [one] { $min } символа
       *[other] { $min } символов
    })
admin-users-add = Добавить
admin-users-roles-hint = администратор: пользователи и всё остальное · социолог: опросы, первичные данные, неопубликованные результаты · представитель власти: опубликованные результаты и результаты опросов, к которым ему дали доступ.

## The audit log.

admin-audit-heading = Журнал действий
admin-audit-survey = Опрос
admin-audit-who = Кто
admin-audit-filter = Отобрать
admin-audit-when = Когда (UTC)
admin-audit-what = Что
admin-audit-version = Версия
admin-audit-detail = Подробности

## Requests the workbench refuses (shown on the error page).

admin-error-form-unreadable = не удалось прочитать данные формы; отправьте её ещё раз
admin-error-form-too-large = форма больше { $kib } КиБ
admin-error-upload-too-large = загружаемые данные больше { $kib } КиБ
admin-error-no-boundary = в загрузке нет границы частей multipart
admin-error-bad-multipart = загрузка не является корректными данными multipart/form-data; отправьте её ещё раз
admin-error-upload-action = неизвестное действие «{ $action }»: допустимы store, store_open и discard
admin-error-status-action = неизвестное действие «{ $action }»: допустимы open, close, publish_results и unpublish_results
admin-error-not-confirmed = действие не подтверждено: воспользуйтесь страницей подтверждения
admin-error-unknown-action = неизвестное действие «{ $action }»
admin-error-access-action = неизвестное действие: допустимы grant и revoke

## The error page (every visitor may see it): its title per HTTP status, and the way back.

error-title-400 = Неверный запрос
error-title-403 = Доступ запрещён
error-title-404 = Страница не найдена
error-title-409 = Конфликт
error-title-413 = Слишком большой запрос
error-title-422 = Данные не приняты
error-title-429 = Слишком много запросов
error-title-500 = Внутренняя ошибка сервера
error-title-503 = Сервис временно недоступен
error-title-other = Ошибка
error-back = Вернуться к списку опросов
error-results = Опубликованные результаты
error-text-403 = Эта страница вам недоступна.
error-text-404 = Такой страницы нет: возможно, ссылка устарела или в ней опечатка.
error-text-429 = С вашего адреса пришло слишком много запросов за короткое время. Подождите минуту и попробуйте ещё раз.
error-text-500 = Что-то пошло не так на нашей стороне. Попробуйте ещё раз позже.
error-text-503 = Сервис временно недоступен; попробуйте ещё раз через минуту.
admin-monitor-drop-bar = Отсев в сравнении с другими страницами
admin-preview-missing-translations = Тексты, которых нет на одном из заявленных языков (читающие на нём увидят текст на языке по умолчанию):
admin-upload-allow-missing-texts = Принять описание, в котором нет некоторых текстов на одном из заявленных языков
admin-upload-allow-missing-texts-hint = Без этой отметки такое описание не принимается. С ней читающие на этом языке увидят там текст на языке по умолчанию.
admin-upload-missing-texts-note = В описании нет текстов на одном из заявленных в languages языков (перечислены выше). Добавьте их или отметьте «Принять описание, в котором нет некоторых текстов» и отправьте ещё раз.
error-detail-unknown-breakdown = «{ $variable }» — не переменная для разбивки в этом опросе (нужен вопрос с одним ответом, шкала или производная переменная); можно: { $valid }
error-detail-bad-filter = «{ $filter }» — не фильтр: пишите ПЕРЕМЕННАЯ:КОД[,ПЕРЕМЕННАЯ:КОД…], например sex:f,age_group:60+
error-detail-unknown-filter-variable = По «{ $variable }» этот опрос не отфильтровать (нужен вопрос с одним ответом, шкала или производная переменная); можно: { $valid }
error-detail-unknown-code = «{ $code }» — не код переменной «{ $variable }»; можно: { $valid }
error-detail-by2-without-by = Для двойной разбивки (by2 = «{ $by2 }») нужна первая переменная разбивки (by)
error-detail-unknown-survey = Опроса «{ $slug }» нет
error-detail-unknown-version = У опроса «{ $slug }» нет версии { $version }
error-detail-bad-transition = Опрос «{ $slug }» нельзя перевести из состояния «{ $from }» в «{ $to }»
error-detail-bad-role = Неизвестная роль «{ $role }»: выберите admin, sociologist или official
error-detail-bad-login = Логин «{ $login }» не подходит: от 2 до 64 букв, цифр, «.», «_», «-» или «@»
error-detail-weak-password = Пароль слишком короткий: нужно не меньше { $min } символов
error-detail-long-password = Пароль слишком длинный: не больше { $max } символов
error-detail-login-taken = Пользователь с логином «{ $login }» уже есть
error-detail-last-admin = Так не останется ни одного действующего администратора: сначала сделайте администратором другого пользователя
error-detail-unknown-user = Пользователя с логином «{ $login }» нет
error-detail-unknown-upload = Этой загрузки больше нет (её сохранили или отменили); загрузите описание ещё раз
error-detail-export-changed = Ответы опроса «{ $slug }» изменились во время выгрузки (веса зависят от каждого ответа); выгрузите ещё раз
error-detail-unknown-dialect = Неизвестный вид CSV «{ $dialect }» (есть: standard, excel-ru)
error-detail-closed-on = Опрос «{ $slug }» закрылся { $closed } (дата в closes); чтобы продлить опрос, сохраните новую версию с более поздней датой closes
error-detail-population-file-name = Имя файла «{ $name }»: используйте буквы, цифры, «.», «_» или «-», в конце .yaml
error-detail-not-official = У «{ $login }» роль «{ $role }»: доступ к неопубликованным результатам дают только представителям власти (другие роли видят их и так)
error-detail-not-published = Результаты опроса «{ $slug }» не опубликованы
error-detail-microdata-forbidden = Микроданные (по строке на каждого респондента) могут скачивать только сотрудники; сводные таблицы — по тому же адресу без ?data=microdata
# The audit log's actions (the stored code, with '.' written as '-').
admin-audit-action-login = Вход
admin-audit-action-logout = Выход
admin-audit-action-user-add = Добавлен пользователь
admin-audit-action-user-set_role = Изменена роль
admin-audit-action-user-set_password = Изменён пароль
admin-audit-action-user-enable = Пользователь включён
admin-audit-action-user-disable = Пользователь отключён
admin-audit-action-upload-discard = Загрузка отменена
admin-audit-action-population-upload = Загружена генеральная совокупность
admin-audit-action-survey-create = Создан опрос
admin-audit-action-survey-new_version = Новая версия опроса
admin-audit-action-survey-open = Опрос открыт
admin-audit-action-survey-close = Опрос закрыт
admin-audit-action-survey-auto_close = Опрос закрыт по дате
admin-audit-action-results-publish = Результаты опубликованы
admin-audit-action-results-unpublish = Публикация снята
admin-audit-action-results-grant = Открыт доступ к результатам
admin-audit-action-results-revoke = Закрыт доступ к результатам
admin-audit-action-response-exclude = Анкета исключена
admin-audit-action-response-keep = Анкета оставлена
admin-audit-action-coding-code = Ответ закодирован
admin-audit-action-coding-code_second = Второе кодирование
admin-audit-action-coding-resolve = Расхождение кодировщиков разрешено
admin-audit-action-coding-bulk = Код присвоен по правилу
admin-audit-action-coding-codebook = Изменён кодификатор
admin-audit-action-coding-quote = Цитата опубликована
admin-audit-action-coding-unquote = Цитата снята
