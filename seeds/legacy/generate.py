# Writes beziers-familles.csv (Windows-1252, ";", CRLF): 300 believable Béziers families, one line
# per child, with the deliberately broken lines listed in README.md. Deterministic: python3 generate.py
import random
random.seed(34500)
notables=['Pablo Neruda','George Sand','Jean Macé','Condorcet','Alphonse Daudet','Frédéric Mistral','Émile Zola','Pierre Brossolette','Gustave Courbet','Lucie Aubrac','Jean de La Fontaine']
schools=[]
for n in notables:
    schools.append(('École élémentaire '+n,'elem'))
    schools.append(('École maternelle '+n,'mat'))
last=['Martin','Bernard','Roux','Fabre','Garcia','Martinez','Lopez','Sanchez','Bonnet','Girard','Mercier','Fontaine','Chevalier','Blanc','Guerin','Muller','Boyer','Rouvière','Vidal','Combes','Bousquet','Calmette','Azaïs','Pagès','Cazals','Maurel','Fabrègue','Séguier','Bénézech','Granier','Hébrard','Lacroix','Marty','Rigaud','Salvan','Teissier','Vaissière','Bertrand','Benali','Haddad','Ferrer','Navarro','Romero','Ortega','Da Silva','Pereira','Nguyen','Diallo','Traoré','Kaya']
first_adult_f=['Sophie','Nathalie','Isabelle','Céline','Aurélie','Émilie','Sandrine','Hélène','Laëtitia','Maïté','Fatima','Samira','Inès','Anaïs','Mélanie','Coralie','Gaëlle','Noémie']
first_adult_m=['Julien','Nicolas','Sébastien','Frédéric','Jérôme','Stéphane','Cédric','Rémi','Loïc','Mehdi','Karim','Thierry','Benoît','François','Hervé','Grégory','Joël','Raphaël']
kids=['Léa','Chloé','Manon','Inès','Jade','Louise','Zoé','Héloïse','Maëlys','Éléna','Océane','Anaïs','Lucas','Hugo','Théo','Nathan','Enzo','Louis','Raphaël','Noé','Gabriel','Mathéo','Timéo','Aylan','Rayan','Adam','Léon','Jules','Maël','Loïc','Bérénice','Clément','Anaëlle','Noah','Célestin']
streets=['rue de la République','avenue Jean Jaurès','boulevard Frédéric Mistral','rue du Général Margueritte','allées Paul Riquet','avenue de la Devèze','rue des Anciens Combattants','chemin de Bayssan','avenue Émile Claparède','rue Française','rue de Sauclières','avenue du Président Wilson','rue Boïeldieu','impasse des Grenadiers','place Pierre Sémard','rue Solférino','avenue Clémenceau','route de Narbonne']
classes_elem=['CP','CE1','CE2','CM1','CM2']
classes_mat=['Petite section','Moyenne section','Grande section']
diets=['Standard']*14+['Sans porc']*3+['Végétarien']*2+['PAI']
header='ref_famille;nom_famille;resp1_nom;resp1_prenom;resp1_email;resp1_tel;resp2_nom;resp2_prenom;resp2_email;resp2_tel;adresse;code_postal;ville;quotient;ref_enfant;enfant_nom;enfant_prenom;date_naissance;ecole;classe;regime'
def norm(s):
    import unicodedata
    return ''.join(c for c in unicodedata.normalize('NFD',s) if unicodedata.category(c)!='Mn').lower().replace(' ','')
rows=[]
child_n=100
fams=[]
for i in range(300):
    ref='F%06d'%(4100+i*7)
    ln=random.choice(last)
    mother=random.choice(first_adult_f); father=random.choice(first_adult_m)
    two=random.random()<0.7
    r1=(ln,mother) if random.random()<0.6 else (ln,father)
    r2=(ln if random.random()<0.7 else random.choice(last), father if r1[1]==mother else mother) if two else ('','')
    email1='%s.%s@%s'%(norm(r1[1]),norm(r1[0]),random.choice(['orange.fr','gmail.com','free.fr','laposte.net','sfr.fr']))
    tel1='06 %02d %02d %02d %02d'%tuple(random.randint(0,99) for _ in range(4))
    email2=('%s.%s@%s'%(norm(r2[1]),norm(r2[0]),random.choice(['orange.fr','gmail.com','wanadoo.fr'])) if two and random.random()<0.6 else '')
    tel2=('07 %02d %02d %02d %02d'%tuple(random.randint(0,99) for _ in range(4))) if two and random.random()<0.7 else ''
    addr='%d %s'%(random.randint(1,140),random.choice(streets))
    if random.random()<0.1: addr='"Résidence Les Oliviers; bât. %s, %d %s"'%(random.choice('ABC'),random.randint(1,60),random.choice(streets))
    q=random.choice([random.randint(180,1900), None]) if random.random()<0.92 else None
    qs='' if q is None else (('%d,%02d'%(q,random.randint(0,99))) if random.random()<0.2 else (('%d %03d'%(q//1000,q%1000)) if q>=1000 and random.random()<0.5 else str(q)))
    fam=[ref,'Famille '+ln,r1[0],r1[1],email1,tel1,r2[0],r2[1],email2,tel2,addr,'34500','Béziers',qs]
    nk=random.choice([1,1,2,2,2,3])
    children=[]
    for k in range(nk):
        child_n+=1
        age=random.randint(1,10)
        y=2025-age
        d='%02d/%02d/%d'%(random.randint(1,28),random.randint(1,12),y)
        if age<=2: school,cl='',''
        elif age<=5:
            school=random.choice([s for s,t in schools if t=='mat']); cl=classes_mat[min(age-3,2)]
        else:
            school=random.choice([s for s,t in schools if t=='elem']); cl=classes_elem[min(age-6,4)]
        if school and random.random()<0.15: school=school.upper()
        children.append(['E%06d'%(child_n*3),ln,random.choice(kids),d,school,cl,random.choice(diets)])
    fams.append((fam,children))
lines=[header]
def emit(fam,ch): lines.append(';'.join(fam+ch))
broken={}
for idx,(fam,children) in enumerate(fams):
    for c in children:
        f=list(fam); c=list(c)
        if idx==17: f[10]='3 impasse des Vignes, Villa Les Pins'
        if idx==17 and c is not None and children.index(next(x for x in children))==0 and not broken.get('fc'):
            f[10]='3 impasse des Vignes; Villa Les Pins'; broken['fc']=1
        if idx==58 and not broken.get('date'):
            c[3]='31/02/2019'; broken['date']=1
        if idx==96 and not broken.get('num'):
            f[13]='1 2OO'; broken['num']=1
        if idx==140 and not broken.get('school'):
            c[4]='École primaire Les Tamaris'; broken['school']=1
        if idx==190 and not broken.get('mail'):
            f[4]=f[4].replace('@','.'); broken['mail']=1
        if idx==233 and not broken.get('miss'):
            c[3]=''; broken['miss']=1
        emit(f,c)
    if idx==120:
        # another household exported under the reference of family 30
        other=list(fams[31][0]); other[0]=fams[30][0][0]
        ch=list(fams[31][1][0]); ch[0]='E%06d'%999001
        emit(other,ch)
# the family exported twice: family 75's lines again at the end
for c in fams[75][1]: emit(fams[75][0],c)
data='\r\n'.join(lines)+'\r\n'
open(__import__('os').path.join(__import__('os').path.dirname(__file__),'beziers-familles.csv'),'wb').write(data.encode('cp1252'))
print(len(lines)-1,'lines', len(fams),'families')
